/**
 * Checkpoints across restarts: a bot process (test/helpers/checkpoint-bot.ts) with a file checkpoint, stopped
 * gently or killed with SIGKILL while posts are made in three channels, handles every post, in creation order per
 * channel. Stopped gently it handles each post once; killed, a post it handled after the last stored checkpoint
 * comes again after the restart (delivery is at least once: the handler's effect and the checkpoint are not one
 * transaction), and nothing else does.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { CheckpointError, FileCheckpointStore } from "../../src/ws/checkpoints/index.js";
import { ROOT } from "../helpers/spec.js";

let server: TestServer;
let admin: AsyncClient;
let dir: string;

beforeAll(async () => {
  server = await createTestServer();
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
  dir = mkdtempSync(join(tmpdir(), "matterapi-checkpoint-"));
});
afterAll(async () => {
  await admin.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function startBot(name: string): Promise<ChildProcess> {
  const child = fork(join(ROOT, "test/helpers/checkpoint-bot.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: {
      ...process.env,
      MM_URL: server.url,
      MM_TOKEN: server.user.token,
      CHECKPOINT: join(dir, `${name}.checkpoint`),
      LOG: join(dir, `${name}.log`),
    },
  });
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`the bot exited with ${code} before it was ready`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once("exit", () => resolve()),
  );

function handled(name: string): { id: string; channel: string; at: number }[] {
  let text = "";
  try {
    text = readFileSync(join(dir, `${name}.log`), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.split(" ").length === 3) // a line torn by SIGKILL is not an event handled
    .map((line) => {
      const [id, channel, at] = line.split(" ");
      return { id: id as string, channel: channel as string, at: Number(at) };
    });
}

const channels = () => [server.channels.general.id, server.channels.offTopic.id, server.channels.townSquare.id];

async function waitFor(check: () => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** First handlings in creation order per channel; every made post handled. */
function expectComplete(log: ReturnType<typeof handled>, made: { id: string; channel_id: string }[]) {
  const first = new Map<string, (typeof log)[number]>();
  for (const entry of log) if (!first.has(entry.id)) first.set(entry.id, entry);
  const missing = made.filter((p) => !first.has(p.id));
  expect(missing.length, "posts never handled").toBe(0);
  const perChannel = new Map<string, number[]>();
  for (const entry of first.values())
    perChannel.set(entry.channel, [...(perChannel.get(entry.channel) ?? []), entry.at]);
  for (const times of perChannel.values())
    expect(times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)).toBe(true);
}

describe("a bot with a file checkpoint", () => {
  it("stopped gently and started again, handles the posts made while it was down, each once", async () => {
    let bot = await startBot("gentle");
    const made: { id: string; channel_id: string }[] = [];
    for (let i = 0; i < 30; i++)
      made.push(await admin.posts.createPost({ channel_id: channels()[i % 3] as string, message: `a${i}` }));
    await waitFor(() => handled("gentle").length >= 30, 20_000, "the first 30 posts");
    bot.kill("SIGTERM");
    await exited(bot);
    for (let i = 0; i < 30; i++)
      made.push(await admin.posts.createPost({ channel_id: channels()[i % 3] as string, message: `b${i}` }));
    bot = await startBot("gentle");
    for (let i = 0; i < 30; i++)
      made.push(await admin.posts.createPost({ channel_id: channels()[i % 3] as string, message: `c${i}` }));
    await waitFor(() => handled("gentle").length >= 90, 30_000, "all 90 posts");
    await new Promise((r) => setTimeout(r, 300));
    const log = handled("gentle");
    expectComplete(log, made);
    expect(log.length, "each post once").toBe(90);
    bot.kill("SIGTERM");
    await exited(bot);
  }, 90_000);

  it("killed with SIGKILL five times while 1,000 posts are made in three channels, handles every post in order", async () => {
    let bot = await startBot("killed");
    const made: { id: string; channel_id: string }[] = [];
    const kills = new Set<number>();
    while (kills.size < 5) kills.add(100 + Math.floor(Math.random() * 800));
    let restarting: Promise<void> = Promise.resolve();
    for (let i = 0; i < 1000; i++) {
      made.push(await admin.posts.createPost({ channel_id: channels()[i % 3] as string, message: `post ${i}` }));
      if (kills.has(i)) {
        await restarting;
        const victim = bot;
        victim.kill("SIGKILL");
        // The bot comes back while the posting goes on (a process manager restarting it).
        restarting = exited(victim).then(async () => {
          bot = await startBot("killed");
        });
      }
    }
    await restarting;
    await waitFor(() => new Set(handled("killed").map((e) => e.id)).size >= 1000, 120_000, "all 1,000 posts");
    await new Promise((r) => setTimeout(r, 500));
    const log = handled("killed");
    expectComplete(log, made);
    const duplicates = log.length - new Set(log.map((e) => e.id)).size;
    // Only a post handled after the last stored checkpoint comes again: a few per kill, never a flood.
    expect(duplicates).toBeLessThanOrEqual(5 * 20);
    console.log(`checkpoint restart: 1,000 posts, 5 SIGKILLs, ${duplicates} handled twice`);
    bot.kill("SIGTERM");
    await exited(bot);
  }, 240_000);

  it("refuses a corrupt checkpoint with a clear error instead of starting over", async () => {
    const path = join(dir, "corrupt.checkpoint");
    writeFileSync(path, "this is not a checkpoint\n");
    const client = new AsyncClient({ url: server.url, auth: { token: server.user.token } });
    const ws = client.websocket({ checkpoint: new FileCheckpointStore(path) });
    try {
      const error = await ws.connect().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toContain(path);
      expect(ws.state).toBe("closed");
    } finally {
      await client.close();
    }
  });
});
