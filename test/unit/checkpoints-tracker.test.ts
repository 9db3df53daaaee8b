/** CheckpointTracker: positions, the dedupe window, write-behind saving, flush, errors and retries. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import {
  CheckpointError,
  type CheckpointState,
  type CheckpointStore,
  CheckpointTracker,
  FileCheckpointStore,
  MemoryCheckpointStore,
} from "../../src/ws/checkpoints/index.js";
import { caught } from "../helpers/caught.js";

const id = (prefix: string, n: number) => prefix + String(n).padStart(26 - prefix.length, "0");
const post = (n: number, createAt = 1000 + n, channel = 0) => ({
  id: id("p", n),
  channel_id: id("c", channel),
  create_at: createAt,
});

/** A store whose saves wait until the test lets them finish (or fail), recording what each carried. */
class GatedStore implements CheckpointStore {
  saved: CheckpointState[] = [];
  pending: Array<{ state: CheckpointState; finish: (error?: Error) => void }> = [];
  closed = false;
  async load() {
    return this.saved.at(-1);
  }
  save(state: CheckpointState): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        state,
        finish: (error) => {
          if (error) return reject(error);
          this.saved.push(state);
          resolve();
        },
      });
    });
  }
  async close() {
    this.closed = true;
  }
  /** Lets the oldest pending save finish. */
  async release(error?: Error) {
    await until(() => this.pending.length > 0);
    this.pending.shift()!.finish(error);
    await settle();
  }
}

const settle = () => new Promise((r) => setImmediate(r));
/**
 * Waits for `condition`, for up to 5 s. Bounded by time, not by turns of the event loop: an idle loop turns a
 * thousand times before a retry's 4 ms timer is due.
 */
async function until(condition: () => boolean) {
  const end = performance.now() + 5000;
  while (!condition() && performance.now() < end) await settle();
  if (!condition()) throw new Error("the condition never came true");
}

describe("CheckpointTracker state", () => {
  it("moves a channel's position forward only, by (create_at, id)", () => {
    const t = new CheckpointTracker();
    expect(t.acknowledge(post(5, 2000))).toBe(true);
    expect(t.acknowledge(post(3, 1500))).toBe(true); // older: recorded as seen, position kept
    expect(t.position(id("c", 0))).toEqual({ post_id: id("p", 5), create_at: 2000 });
    expect(t.acknowledge(post(4, 2000))).toBe(true); // same time, smaller id: kept
    expect(t.position(id("c", 0))?.post_id).toBe(id("p", 5));
    expect(t.acknowledge(post(6, 2000))).toBe(true); // same time, larger id: moves
    expect(t.position(id("c", 0))?.post_id).toBe(id("p", 6));
    expect(t.acknowledge(post(7, 1000, 1))).toBe(true);
    expect(t.state().channels).toEqual({
      [id("c", 0)]: { post_id: id("p", 6), create_at: 2000 },
      [id("c", 1)]: { post_id: id("p", 7), create_at: 1000 },
    });
  });

  it("says a post was seen, and takes a duplicate as nothing new", () => {
    const t = new CheckpointTracker();
    expect(t.seen(id("p", 1))).toBe(false);
    t.acknowledge(post(1));
    expect(t.seen(id("p", 1))).toBe(true);
    expect(t.acknowledge(post(1))).toBe(false);
    expect(t.state().recent).toEqual([id("p", 1)]);
  });

  it("keeps a bounded window, evicting the oldest ids first", () => {
    const t = new CheckpointTracker({ windowSize: 3 });
    for (let n = 1; n <= 5; n++) t.acknowledge(post(n));
    expect(t.state().recent).toEqual([id("p", 3), id("p", 4), id("p", 5)]);
    expect(t.seen(id("p", 2))).toBe(false);
    expect(t.seen(id("p", 3))).toBe(true);
    t.acknowledge(post(6));
    expect(t.state().recent).toEqual([id("p", 4), id("p", 5), id("p", 6)]);
  });

  it("starts from a loaded state, keeping the newest ids when the window is smaller", () => {
    const recent = [1, 2, 3, 4].map((n) => id("p", n));
    const initial: CheckpointState = { version: 1, channels: {}, recent, since: 77 };
    const t = new CheckpointTracker({ initial, windowSize: 2 });
    expect(t.state()).toEqual({ version: 1, channels: {}, recent: recent.slice(2), since: 77 });
    expect(() => new CheckpointTracker({ initial: { ...initial, since: -1 } })).toThrow(CheckpointError);
  });

  it("gives frozen snapshots, which a store takes without checking them again", async () => {
    const t = new CheckpointTracker();
    t.acknowledge(post(1));
    const state = t.state();
    expect(Object.isFrozen(state) && Object.isFrozen(state.recent) && Object.isFrozen(state.channels)).toBe(true);
    expect(() => state.recent.push("x")).toThrow(TypeError);
    t.acknowledge(post(2));
    expect(state.recent).toEqual([id("p", 1)]); // a snapshot: later acks do not change it
    const store = new MemoryCheckpointStore();
    await store.save(state);
    expect(await store.load()).toEqual(state);
  });

  it("moves since forward only", () => {
    const t = new CheckpointTracker();
    t.setSince(500);
    t.setSince(400);
    expect(t.completeSince).toBe(500);
    expect(() => t.setSince(Number.NaN)).toThrow(UsageError);
  });

  it("refuses a post with a bad id, channel or time, recording nothing", () => {
    const t = new CheckpointTracker();
    expect(() => t.acknowledge({ ...post(1), id: "short" })).toThrow(/the post id is not an id: short/);
    expect(() => t.acknowledge({ ...post(1), channel_id: "x".repeat(100) })).toThrow(/channel_id is not an id/);
    expect(() => t.acknowledge({ ...post(1), create_at: 1.5 })).toThrow(/create_at is not a time in ms: 1.5/);
    expect(() => t.acknowledge(null as never)).toThrow(UsageError);
    expect(t.state()).toEqual({ version: 1, channels: {}, recent: [], since: 0 });
    expect(() => new CheckpointTracker({ windowSize: 0 })).toThrow(/windowSize must be an integer/);
  });
});

describe("CheckpointTracker saving", () => {
  it("coalesces: one save in flight, the next carries every ack made meanwhile", async () => {
    const store = new GatedStore();
    const t = new CheckpointTracker({ store });
    for (let n = 0; n < 10; n++) t.acknowledge(post(n));
    await until(() => store.pending.length === 1);
    for (let n = 10; n < 1000; n++) t.acknowledge(post(n));
    await settle();
    expect(store.pending).toHaveLength(1); // still the first save; no second in flight
    await store.release();
    await store.release();
    await t.flush();
    expect(store.saved.map((s) => s.recent.length)).toEqual([10, 1000]);
    expect(t.saveCounts).toEqual({ saves: 2, attempts: 2 });
  });

  it("with a real store, many acks make far fewer saves", async () => {
    const store = new MemoryCheckpointStore();
    const t = new CheckpointTracker({ store });
    for (let turn = 0; turn < 50; turn++) {
      for (let n = 0; n < 100; n++) t.acknowledge(post(turn * 100 + n));
      await settle();
    }
    await t.flush();
    expect(store.saves).toBeLessThanOrEqual(50); // at most one per turn, against 5,000 acks
    expect((await store.load())?.recent).toHaveLength(5000);
  });

  it("flush resolves only once what was acknowledged before it is stored", async () => {
    const store = new GatedStore();
    const t = new CheckpointTracker({ store });
    t.acknowledge(post(1));
    let flushed = false;
    const flushing = t.flush().then(() => {
      flushed = true;
    });
    await settle();
    expect(flushed).toBe(false);
    await store.release();
    await flushing;
    expect(store.saved.at(-1)?.recent).toEqual([id("p", 1)]);
    await t.flush(); // nothing new: resolves at once
  });

  it("reports failed saves, retries with a capped doubling delay, stores everything once the store works", async () => {
    const store = new GatedStore();
    const errors: CheckpointError[] = [];
    const t = new CheckpointTracker({
      store,
      initialRetryDelay: 1,
      maxRetryDelay: 4,
      onError: (error) => {
        errors.push(error);
        throw new Error("a handler that throws changes nothing");
      },
    });
    t.acknowledge(post(1));
    const first = caught(t.flush());
    await store.release(new Error("disk full"));
    const error = await first;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toBe("could not save the checkpoint (attempt 1, retrying in 1 ms): disk full");
    expect(error.cause.message).toBe("disk full");
    t.acknowledge(post(2));
    for (let i = 0; i < 4; i++) await store.release(new Error("disk full"));
    expect(errors.map((e) => /retrying in (\d+) ms/.exec(e.message)?.[1])).toEqual(["1", "2", "4", "4", "4"]);
    const second = t.flush();
    await store.release();
    await second;
    expect(store.saved.at(-1)?.recent).toEqual([id("p", 1), id("p", 2)]);
  });

  it("close stores what is left and closes the store; a failed last save rejects close", async () => {
    const store = new GatedStore();
    const t = new CheckpointTracker({ store });
    t.acknowledge(post(1));
    const closing = t.close();
    await store.release();
    await closing;
    expect(store.closed).toBe(true);
    expect(store.saved.at(-1)?.recent).toEqual([id("p", 1)]);
    expect(() => t.acknowledge(post(2))).toThrow(/tracker is closed/);

    const failing = new GatedStore();
    const errors: string[] = [];
    const u = new CheckpointTracker({ store: failing, onError: (e) => errors.push(e.message) });
    u.acknowledge(post(1));
    const closingU = caught(u.close());
    await failing.release(new Error("gone"));
    expect((await closingU).message).toMatch(/not retried: the tracker is closing\): gone/);
    expect(failing.closed).toBe(true);
    expect(errors).toHaveLength(1);
    await settle();
    expect(failing.pending).toHaveLength(0); // no retry after close
  });

  it("round-trips through a file: a restarted tracker has seen the acknowledged posts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "matterapi-tracker-"));
    try {
      const path = join(dir, "stream.checkpoint");
      const t = await CheckpointTracker.open(new FileCheckpointStore(path));
      t.acknowledge(post(1, 5000));
      t.setSince(4000);
      await t.close();
      const again = await CheckpointTracker.open(new FileCheckpointStore(path));
      expect(again.seen(id("p", 1))).toBe(true);
      expect(again.position(id("c", 0))).toEqual({ post_id: id("p", 1), create_at: 5000 });
      expect(again.completeSince).toBe(4000);
      await again.close();
      await writeFile(path, "garbage");
      const error = await caught(CheckpointTracker.open(new FileCheckpointStore(path)));
      expect(error).toBeInstanceOf(CheckpointError);
      // The failed open released the lock: after deleting the file (the recovery), the stream starts from now.
      await rm(path);
      const fresh = await CheckpointTracker.open(new FileCheckpointStore(path));
      expect(fresh.state().recent).toEqual([]);
      await fresh.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
