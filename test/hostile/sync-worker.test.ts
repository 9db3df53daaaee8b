/**
 * The SyncClient never waits unbounded: a worker that dies, exits or hangs mid-call fails the call at once (and
 * every later call) with SyncWorkerError; a server in the calling thread (a deadlock) is found fast and explained;
 * startWsSync and deadlines bound the wait. The hostile servers run in a worker thread: this thread blocks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncClient, SyncWorkerError, UsageError } from "../../src/index.js";
import { createTestServer } from "../../src/testing/index.js";
import { type Hostile, inWorker } from "./helpers/sync-servers.js";

const SLACK = 2_500;
let silent: Hostile;

beforeAll(async () => {
  silent = await inWorker("silent");
});
afterAll(async () => {
  await silent?.close();
});

/** How long `run` takes, and what it throws. */
function timed(run: () => unknown): { ms: number; error: unknown } {
  const started = Date.now();
  try {
    run();
    return { ms: Date.now() - started, error: undefined };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe("a worker that dies mid-call", () => {
  it.each([
    ["throw", /died during the call: it crashed: Error: a fault injected by a test/],
    ["exit", /died during the call: it exited with code 3/],
  ] as const)("(%s) fails the waiting call at once, and every later call", (fault, message) => {
    const sd = new SyncClient({ url: silent.url, auth: { token: "t" }, timeout: 0 });
    sd.login(); // the worker is up (token auth: nothing is sent)
    sd._injectFault(fault, 300);
    const call = timed(() => sd.users.getUser("me")); // never answered: only the crash ends it
    expect(call.error).toBeInstanceOf(SyncWorkerError);
    expect((call.error as Error).message).toMatch(message);
    expect(call.ms).toBeLessThan(300 + SLACK);
    const later = timed(() => sd.users.getUser("me"));
    expect(later.error).toBeInstanceOf(SyncWorkerError);
    expect((later.error as Error).message).toMatch(/was stopped/);
    expect(later.ms).toBeLessThan(100);
    expect(() => sd.close()).not.toThrow();
  });

  it("(hang) is found by its heartbeat and stopped", () => {
    const sd = new SyncClient({ url: silent.url, auth: { token: "t" }, timeout: 0 });
    sd.login();
    sd._injectFault("hang", 200);
    const call = timed(() => sd.users.getUser("me"));
    expect(call.error).toBeInstanceOf(SyncWorkerError);
    expect((call.error as Error).message).toMatch(/stopped responding/);
    expect(call.ms).toBeLessThan(200 + 5_000 + SLACK);
    expect(() => sd.users.getUser("me")).toThrow(SyncWorkerError);
  });
});

describe("a server in the calling thread", () => {
  it.each([30_000, 0])("is found fast and explained (timeout %i)", async (timeout) => {
    const server = await createTestServer();
    try {
      const sd = new SyncClient({ url: server.url, auth: { token: server.admin.token }, timeout });
      sd.login(); // the worker is up (token auth: nothing is sent)
      const call = timed(() => sd.users.getUser("me"));
      expect(call.error).toBeInstanceOf(UsageError);
      expect((call.error as Error).message).toMatch(/runs in this thread/);
      expect((call.error as Error).message).toMatch(/startTestServerInWorker/);
      expect(call.ms).toBeLessThan(100 + SLACK); // found in the first slice of the wait, not at the timeout
      expect(() => sd.users.getUser("me")).toThrow(/runs in this thread/);
      sd.close();
    } finally {
      await server.close();
    }
  });

  it("through localhost too", async () => {
    const server = await createTestServer();
    try {
      const sd = new SyncClient({ url: server.url.replace("127.0.0.1", "localhost"), auth: { token: "t" } });
      expect(() => sd.users.getUser("me")).toThrow(/runs in this thread/);
    } finally {
      await server.close();
    }
  });
});

describe("bounded waits", () => {
  it("startWsSync returns at its timeout when the upgrade is never answered", () => {
    const sd = new SyncClient({ url: silent.url, auth: { token: "t" } });
    sd.login();
    const run = timed(() => sd.startWsSync(() => true, { timeout: 500 }));
    expect(run.error).toBeUndefined();
    expect(run.ms).toBeLessThan(500 + SLACK);
    // The client is still usable: the stream that never connected was closed in the worker.
    expect(sd.token).toBe("t");
    sd.close();
  });

  it("a call with a deadline ends by it, with timeout 0", () => {
    const sd = new SyncClient({ url: silent.url, auth: { token: "t" }, timeout: 0, deadline: 400 });
    sd.login();
    const call = timed(() => sd.users.getUser("me"));
    expect(call.error).toBeInstanceOf(Error);
    expect((call.error as Error).name).toBe("DeadlineExceededError");
    expect(call.ms).toBeLessThan(400 + SLACK);
    sd.close();
  });

  it("close() of a client whose worker hangs settles", () => {
    const sd = new SyncClient({ url: silent.url, auth: { token: "t" }, closeTimeout: 100 });
    sd.login();
    sd._injectFault("hang", 0);
    const run = timed(() => sd.close());
    expect(run.error).toBeUndefined();
    expect(run.ms).toBeLessThan(5_000 + SLACK);
  });
});
