/** FileCheckpointStore: round trip, strict reading of bad files, locks, temp files left by crashes. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckpointError, type CheckpointState, FileCheckpointStore } from "../../src/ws/checkpoints/index.js";
import { caught } from "../helpers/caught.js";

/** A 26-character id, as Mattermost's. */
const id = (prefix: string, n: number) => prefix + String(n).padStart(26 - prefix.length, "0");

function sampleState(n = 3): CheckpointState {
  const channels: CheckpointState["channels"] = {};
  for (let i = 0; i < n; i++) channels[id("c", i)] = { post_id: id("p", i), create_at: 1_700_000_000_000 + i };
  return { version: 1, channels, recent: [id("p", 0), id("p", 1), id("p", 2)], since: 1_700_000_000_000 };
}

/** The bytes a valid file would hold for `body` (a checksum that matches, whatever the body). */
function fileWith(body: string, version = 1): string {
  const sha = createHash("sha256").update(body).digest("hex");
  return `matterapi-checkpoint v${version} sha256:${sha} bytes:${Buffer.byteLength(body)}\n${body}\n`;
}

let dir: string;
let path: string;
const opened: FileCheckpointStore[] = [];
function store(options?: ConstructorParameters<typeof FileCheckpointStore>[1]): FileCheckpointStore {
  const created = new FileCheckpointStore(path, options);
  opened.push(created);
  return created;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "matterapi-checkpoint-"));
  path = join(dir, "stream.checkpoint");
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

describe("FileCheckpointStore", () => {
  it("gives undefined when nothing was stored, and what was saved after", async () => {
    const s = store();
    expect(await s.load()).toBeUndefined();
    const state = sampleState();
    await s.save(state);
    expect(await s.load()).toEqual(state);
    const text = await readFile(path, "utf8");
    expect(text).toMatch(/^matterapi-checkpoint v1 sha256:[0-9a-f]{64} bytes:\d+\n\{"version":1,/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("copies the state when save is called: later changes to the object are not stored", async () => {
    const s = store();
    const state = sampleState();
    const saving = s.save(state);
    state.recent.push(id("p", 9));
    state.since = 1;
    await saving;
    expect(await s.load()).toEqual(sampleState());
  });

  it("serialises concurrent saves: the last state wins, each save resolves, no temp file stays", async () => {
    const s = store();
    const saves = [];
    for (let i = 0; i < 50; i++) saves.push(s.save({ ...sampleState(), since: 1000 + i }));
    await Promise.all(saves);
    expect((await s.load())?.since).toBe(1049);
    expect(await readdir(dir)).toEqual(["stream.checkpoint", "stream.checkpoint.lock"]);
  });

  it("refuses to save an invalid state, and writes nothing", async () => {
    const s = store();
    await s.save(sampleState());
    const before = await readFile(path);
    const bad = { ...sampleState(), recent: ["not an id"] };
    const error = await caught(s.save(bad));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(/cannot save the checkpoint: recent\[0\] is the string "not an id", not a post id/);
    expect(await readFile(path)).toEqual(before);
  });

  it("reports a missing folder and a write that fails, naming the file", async () => {
    path = join(dir, "missing", "stream.checkpoint");
    const error = await caught(store().load());
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(`the folder of checkpoint file ${path} does not exist`);

    path = join(dir, "a-folder");
    await mkdir(path);
    const failed = await caught(store({ lock: false }).save(sampleState()));
    expect(failed).toBeInstanceOf(CheckpointError);
    expect(failed.message).toMatch(/cannot write checkpoint file .*a-folder: E[A-Z]+/);
    expect((failed as CheckpointError).location).toBe(path);
  });

  it("fails after close", async () => {
    const s = store();
    await s.close();
    expect((await caught(s.save(sampleState()))).message).toMatch(/is closed/);
    expect((await caught(s.load())).message).toMatch(/is closed/);
  });
});

describe("FileCheckpointStore reading a bad file", () => {
  const valid = () => fileWith(JSON.stringify(sampleState()));
  const cases: Array<[string, () => string | Buffer, RegExp]> = [
    ["an empty file", () => "", /is empty/],
    ["garbage", () => "hello world\n", /is not a matterapi checkpoint/],
    ["binary garbage", () => Buffer.from([0, 255, 10, 13, 0, 1]), /is not a matterapi checkpoint/],
    [
      "a truncated file",
      () => valid().slice(0, -20),
      /is truncated: its header announces \d+ bytes after it, and \d+ are there/,
    ],
    ["a header only", () => valid().split("\n")[0], /malformed header line/],
    [
      "a body with a flipped character",
      () => valid().replace('"since":17', '"since":27'),
      /fails its SHA-256 checksum/,
    ],
    ["bytes appended", () => valid() + "more", /has 4 bytes more than its header announces/],
    [
      "a newer format",
      () => fileWith(JSON.stringify(sampleState()), 2),
      /is in format version 2, and this matterapi reads version 1/,
    ],
    ["a malformed header", () => "matterapi-checkpoint v1 sha256:xyz bytes:12\n{}\n", /malformed header line/],
    ["JSON that does not parse", () => fileWith("{not json"), /does not hold valid JSON/],
    ["a state that is an array", () => fileWith("[]"), /the state is an array, not an object/],
    [
      "a state of another version",
      () => fileWith(JSON.stringify({ ...sampleState(), version: 2 })),
      /version is 2; this matterapi reads 1/,
    ],
    ["an unknown field", () => fileWith(JSON.stringify({ ...sampleState(), extra: 1 })), /unknown field "extra"/],
    [
      "a missing field",
      () => fileWith(JSON.stringify({ version: 1, channels: {}, recent: [] })),
      /lacks the field "since"/,
    ],
    [
      "channels as an array",
      () => fileWith(JSON.stringify({ ...sampleState(), channels: [] })),
      /channels is an array/,
    ],
    [
      "a bad channel id",
      () =>
        fileWith(JSON.stringify({ ...sampleState(), channels: { __proto__x: { post_id: id("p", 1), create_at: 1 } } })),
      /channels has a key that is not a channel id/,
    ],
    [
      "a negative create_at",
      () =>
        fileWith(
          JSON.stringify({ ...sampleState(), channels: { [id("c", 1)]: { post_id: id("p", 1), create_at: -1 } } }),
        ),
      /create_at is -1, not a time in ms/,
    ],
    [
      "a fractional since",
      () => fileWith(JSON.stringify({ ...sampleState(), since: 1.5 })),
      /since is 1.5, not a time in ms/,
    ],
    [
      "a duplicate in recent",
      () => fileWith(JSON.stringify({ ...sampleState(), recent: [id("p", 1), id("p", 1)] })),
      /recent holds p0000000000000000000000001 twice/,
    ],
    [
      "too many recent ids",
      () =>
        fileWith(JSON.stringify({ ...sampleState(), recent: Array.from({ length: 100_001 }, (_, i) => id("p", i)) })),
      /recent holds 100001 ids, over the limit of 100000/,
    ],
  ];
  for (const [name, content, message] of cases) {
    it(`${name}: a CheckpointError naming the file, what is wrong and how to recover`, async () => {
      await writeFile(path, content());
      const error = await caught(store().load());
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`checkpoint file ${path}`);
      expect(error.message).toContain("to recover, delete it");
      expect((error as CheckpointError).location).toBe(path);
    });
  }

  it("does not read a huge file: a 1 GB (sparse) file is refused by its size", async () => {
    await writeFile(path, valid());
    await truncate(path, 1024 ** 3);
    const error = await caught(store().load());
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(/is 1073741824 bytes, over the limit of 16777216 bytes/);
    expect(error.message).toContain("delete it");
  });

  it("honours a smaller maxBytes, for reading and for saving", async () => {
    await writeFile(path, valid() + " ".repeat(2000));
    expect((await caught(store({ maxBytes: 1024 }).load())).message).toMatch(/over the limit of 1024 bytes/);
    const big = { ...sampleState(), recent: Array.from({ length: 100 }, (_, i) => id("p", i)) };
    await rm(path);
    const error = await caught(store({ maxBytes: 1024, lock: false }).save(big));
    expect(error.message).toMatch(/cannot save the checkpoint: it is \d+ bytes, over the limit of 1024/);
  });
});

describe("FileCheckpointStore lock and temp files", () => {
  const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

  it("refuses a second store on the same file, here or in another live process; takes over a dead one's", async () => {
    const first = store();
    await first.save(sampleState());
    const second = new FileCheckpointStore(path);
    const error = await caught(second.load());
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(`checkpoint file ${path} is in use by another store in this process`);
    await first.close();
    expect(await second.load()).toEqual(sampleState());
    await second.close();

    await writeFile(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), token: "x" }));
    const live = await caught(store().load());
    expect(live.message).toContain(`is in use by process ${process.ppid} (lock file ${path}.lock)`);
    expect(live.message).toContain("if that process is gone, delete the lock file");

    await writeFile(`${path}.lock`, JSON.stringify({ pid: 1234, host: "elsewhere", token: "x" }));
    expect((await caught(store().load())).message).toContain("is in use by process 1234 on host elsewhere");

    await writeFile(`${path}.lock`, "not a lock this matterapi wrote");
    const garbage = store();
    expect(await garbage.load()).toEqual(sampleState());
    await garbage.close();

    await writeFile(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), token: "x" }));
    const taker = store();
    expect(await taker.load()).toEqual(sampleState());
    expect(JSON.parse(await readFile(`${path}.lock`, "utf8")).pid).toBe(process.pid);
    await taker.close();
    expect(await readdir(dir)).toEqual(["stream.checkpoint"]);
  });

  it("two stores opening one file at the same moment: exactly one gets it", async () => {
    const results = await Promise.allSettled([store().load(), store().load(), store().load()]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("removes temp files that dead writers left, keeps live writers' and never reads them", async () => {
    const dead = `.stream.checkpoint.${deadPid()}.0123456789ab.tmp`;
    const live = `.stream.checkpoint.${process.ppid}.0123456789ab.tmp`;
    const other = `.other.checkpoint.${deadPid()}.0123456789ab.tmp`;
    for (const name of [dead, live, other]) await writeFile(join(dir, name), "partial");
    const s = store();
    expect(await s.load()).toBeUndefined();
    const names = await readdir(dir);
    expect(names).not.toContain(dead);
    expect(names).toContain(live);
    expect(names).toContain(other);
  });
});
