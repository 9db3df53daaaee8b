/**
 * startTestServerInWorker() from matterapi/testing: the fake server in a thread of its own, so that a SyncClient
 * (which blocks this thread) can reach it; its fault controls and counters work from this thread.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InternalServerError, SyncClient } from "../../src/index.js";
import { startTestServerInWorker, type TestServerInWorker } from "../../src/testing/index.js";

let server: TestServerInWorker;

beforeAll(async () => {
  server = await startTestServerInWorker();
});
afterAll(async () => {
  await server?.close();
});

describe("startTestServerInWorker", () => {
  it("serves a SyncClient in this thread, with the seeded users", () => {
    const sd = new SyncClient({
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password },
    });
    expect(sd.users.getUser("me").id).toBe(server.user.id);
    expect(sd.channels.getChannel(server.channels.general.id).name).toBe(server.channels.general.name);
    sd.close();
  });

  it("runs its faults and counters in its thread", async () => {
    const sd = new SyncClient({ url: server.url, auth: { token: server.admin.token }, maxRetries: 0 });
    const before = await server.stats();
    await server.faults.next(1, { status: 500 });
    expect(() => sd.users.getUser("me")).toThrow(InternalServerError);
    expect(sd.users.getUser("me").id).toBe(server.admin.id);
    const after = await server.stats();
    expect(after.requests - before.requests).toBe(2);
    sd.close();
  });

  it("reports a command after close as an error, not a hang", async () => {
    const other = await startTestServerInWorker();
    await other.close();
    await expect(other.stats()).rejects.toThrow(/exited/);
    await expect(other.close()).resolves.toBeUndefined();
  });
});
