/**
 * Checkpoints in Redis, against a real redis-server started by the test: the README's example store (GET/SET with
 * the state checked both ways), a variant for a fleet that refuses to overwrite another writer's checkpoint
 * (WATCH), and what happens when Redis dies and comes back. Skipped with how to install redis-server when it is
 * missing, except in CI (env CI), where that is an error.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type RedisClientType, WatchError } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckpointError,
  type CheckpointState,
  type CheckpointStore,
  CheckpointTracker,
  MAX_CHECKPOINT_BYTES,
  RECOVERY_HINT,
  validateCheckpointState,
} from "../../src/ws/checkpoints/index.js";
import { caught } from "../helpers/caught.js";
import { type RedisServer, redisServerAvailable, startRedisServer } from "../helpers/redis-server.js";

// --- The README's example: a checkpoint store in Redis in a few lines. ---

class RedisCheckpointStore implements CheckpointStore {
  constructor(
    protected readonly client: RedisClientType,
    protected readonly key: string,
  ) {}

  async load(): Promise<CheckpointState | undefined> {
    // Bounded: a huge value is refused by its length, never fetched.
    if ((await this.client.strLen(this.key)) > MAX_CHECKPOINT_BYTES) throw this.bad("is over 16 MiB");
    const text = await this.client.get(this.key);
    if (text === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.bad("does not hold JSON");
    }
    return validateCheckpointState(value, `Redis key ${this.key} holds an invalid checkpoint`, { hint: RECOVERY_HINT });
  }

  async save(state: CheckpointState): Promise<void> {
    await this.client.set(this.key, JSON.stringify(validateCheckpointState(state, "cannot save the checkpoint")));
  }

  protected bad(what: string): CheckpointError {
    return new CheckpointError(`Redis key ${this.key} ${what}; ${RECOVERY_HINT}`, { location: this.key });
  }
}

/**
 * For a fleet (several processes that may take over one stream): a save goes through only if the key still holds
 * what this store last read or wrote, so a process that lost the stream to another cannot overwrite its progress.
 * WATCH makes the check and the write one step (EXEC fails if the key changed in between). The client must be this
 * store's own connection (WATCH is per connection).
 */
class RedisFleetCheckpointStore extends RedisCheckpointStore {
  private last: string | null = null;

  override async load(): Promise<CheckpointState | undefined> {
    const state = await super.load();
    this.last = state === undefined ? null : await this.client.get(this.key);
    return state;
  }

  override async save(state: CheckpointState): Promise<void> {
    const text = JSON.stringify(validateCheckpointState(state, "cannot save the checkpoint"));
    await this.client.watch(this.key);
    const conflict = this.bad("was written by another process since this one read it: one stream per checkpoint");
    if ((await this.client.get(this.key)) !== this.last) {
      await this.client.unwatch();
      throw conflict;
    }
    try {
      await this.client.multi().set(this.key, text).exec();
    } catch (error) {
      throw error instanceof WatchError ? conflict : error;
    }
    this.last = text;
  }
}

// --- The tests. ---

const id = (prefix: string, n: number) => prefix + String(n).padStart(26 - prefix.length, "0");
const post = (n: number) => ({ id: id("p", n), channel_id: id("c", n % 3), create_at: 1_700_000_000_000 + n });

const available = redisServerAvailable();

describe.skipIf(!available)("checkpoints in a real Redis", () => {
  let dir: string;
  let server: RedisServer;
  const clients: RedisClientType[] = [];

  async function connect(): Promise<RedisClientType> {
    const client: RedisClientType = createClient({
      url: server.url,
      // Fail commands at once while disconnected instead of queueing them without a bound: the tracker reports
      // the failure and retries.
      disableOfflineQueue: true,
      socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
    });
    client.on("error", () => {}); // reconnects are the client's business; failed commands reach the tracker
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "matterapi-redis-"));
    server = await startRedisServer(dir);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("stores and loads a tracker's state", async () => {
    const store = new RedisCheckpointStore(await connect(), "matterapi:test:roundtrip");
    expect(await store.load()).toBeUndefined();
    const tracker = await CheckpointTracker.open(store);
    for (let n = 0; n < 100; n++) tracker.acknowledge(post(n));
    tracker.setSince(1_700_000_000_050);
    await tracker.flush();
    const again = await CheckpointTracker.open(store);
    expect(again.state()).toEqual(tracker.state());
    expect(again.seen(id("p", 99))).toBe(true);
  });

  it("refuses a corrupt, invalid or huge value with a CheckpointError saying how to recover", async () => {
    const client = await connect();
    const store = new RedisCheckpointStore(client, "matterapi:test:bad");
    await client.set("matterapi:test:bad", "{not json");
    expect((await caught(store.load())).message).toBe(
      `Redis key matterapi:test:bad does not hold JSON; ${RECOVERY_HINT}`,
    );
    await client.set("matterapi:test:bad", JSON.stringify({ version: 1, channels: {}, recent: [], since: -5 }));
    const invalid = await caught(store.load());
    expect(invalid).toBeInstanceOf(CheckpointError);
    expect(invalid.message).toMatch(
      /holds an invalid checkpoint: since is -5, not a time in ms; to recover, delete it/,
    );
    await client.setRange("matterapi:test:bad", MAX_CHECKPOINT_BYTES, "x");
    expect((await caught(store.load())).message).toMatch(/is over 16 MiB/);
  });

  it("keeps the checkpoint when Redis is killed (appendfsync always) and restarted", async () => {
    const store = new RedisCheckpointStore(await connect(), "matterapi:test:durable");
    const tracker = new CheckpointTracker({ store });
    for (let n = 0; n < 10; n++) tracker.acknowledge(post(n));
    await tracker.flush();
    await server.stop("SIGKILL");
    server = await startRedisServer(dir, server.port);
    const reopened = new RedisCheckpointStore(await connect(), "matterapi:test:durable");
    expect(await reopened.load()).toEqual(tracker.state());
  });

  it("while Redis is down, saves fail, are reported and retried, and flush succeeds once it is back", async () => {
    const client = await connect();
    const errors: CheckpointError[] = [];
    const tracker = new CheckpointTracker({
      store: new RedisCheckpointStore(client, "matterapi:test:outage"),
      initialRetryDelay: 20,
      maxRetryDelay: 200,
      onError: (error) => errors.push(error),
    });
    tracker.acknowledge(post(1));
    await tracker.flush();
    await server.stop("SIGKILL");
    tracker.acknowledge(post(2));
    const failed = await caught(tracker.flush());
    expect(failed).toBeInstanceOf(CheckpointError);
    expect(failed.message).toMatch(/^could not save the checkpoint \(attempt 1, retrying in 20 ms\)/);
    expect(errors.length).toBeGreaterThan(0);
    server = await startRedisServer(dir, server.port);
    // The client reconnects on its own; the tracker's retries carry the state once it has.
    for (let i = 0; i < 100; i++) {
      try {
        await tracker.flush();
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const check = new RedisCheckpointStore(await connect(), "matterapi:test:outage");
    expect((await check.load())?.recent).toEqual([id("p", 1), id("p", 2)]);
    await tracker.close();
  });

  it("for a fleet: a process whose checkpoint another one took over cannot overwrite it", async () => {
    const key = "matterapi:test:fleet";
    const first = new RedisFleetCheckpointStore(await connect(), key);
    const second = new RedisFleetCheckpointStore(await connect(), key);
    expect(await first.load()).toBeUndefined();
    await first.save({ version: 1, channels: {}, recent: [id("p", 1)], since: 1 });
    expect((await second.load())?.recent).toEqual([id("p", 1)]);
    await second.save({ version: 1, channels: {}, recent: [id("p", 1), id("p", 2)], since: 2 });
    const error = await caught(first.save({ version: 1, channels: {}, recent: [id("p", 3)], since: 3 }));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toMatch(/Redis key matterapi:test:fleet was written by another process since this one read/);
    expect((await second.load())?.since).toBe(2);
  });
});
