/**
 * client.close() settles within its grace period (closeTimeout) plus slack, whatever the server does: calls in
 * flight and unread downloads are aborted with RequestAbortedError after the grace, and the event streams the
 * client opened are closed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AsyncClient, RequestAbortedError, UsageError } from "../../src/index.js";
import { createTestServer } from "../../src/testing/index.js";
import { type Hostile, inThread } from "./helpers/sync-servers.js";

const SLACK = 1_500;
let hostile: Hostile | undefined;

afterEach(async () => {
  await hostile?.close();
  hostile = undefined;
});

/** How long `promise` takes to settle, and how (never throws). */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await promise;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe.each(["undici", "fetch"] as const)("close() on the %s transport", (transport) => {
  it("aborts a call the server never answers (timeout 0) once the grace is over", async () => {
    hostile = await inThread("silent");
    const client = new AsyncClient({
      url: hostile.url,
      auth: { token: "t" },
      transport,
      timeout: 0,
      closeTimeout: 300,
    });
    const call = timed(client.users.getUser("me"));
    await new Promise((r) => setTimeout(r, 100)); // the request is on the wire
    const closing = await timed(client.close());
    expect(closing.error).toBeUndefined();
    expect(closing.ms).toBeLessThan(300 + SLACK);
    const { error, ms } = await call;
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as Error).message).toMatch(/aborted by close\(\)/);
    expect(ms).toBeLessThan(100 + 300 + SLACK);
    // Closed means closed: a new call is refused, a second close() settles at once.
    await expect(client.users.getUser("me")).rejects.toThrow(UsageError);
    expect((await timed(client.close())).ms).toBeLessThan(SLACK);
  });

  it("aborts an unread .stream() download", async () => {
    hostile = await inThread("drip");
    const client = new AsyncClient({ url: hostile.url, auth: { token: "t" }, transport, closeTimeout: 200 });
    const stream = await client.files.getFile("aaaaaaaaaaaaaaaaaaaaaaaaaa").stream();
    const closing = await timed(client.close());
    expect(closing.ms).toBeLessThan(200 + SLACK);
    const reader = stream.getReader();
    const read = await timed(
      (async () => {
        for (;;) if ((await reader.read()).done) return "done";
      })(),
    );
    expect(read.error).toBeInstanceOf(RequestAbortedError);
    expect(read.ms).toBeLessThan(SLACK);
  });
});

describe("close()", () => {
  it("lets a call finish within the grace period", async () => {
    const server = await createTestServer();
    try {
      server.faults.next(1, { delay: 300 });
      const client = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, closeTimeout: 3_000 });
      const call = client.users.getUser("me");
      await new Promise((r) => setTimeout(r, 50));
      const closing = await timed(client.close());
      expect((await call).username).toBe(server.admin.username);
      expect(closing.ms).toBeLessThan(3_000);
    } finally {
      await server.close();
    }
  });

  it("with closeTimeout 0 aborts what is in flight at once", async () => {
    hostile = await inThread("silent");
    const client = new AsyncClient({ url: hostile.url, auth: { token: "t" }, closeTimeout: 0 });
    const call = timed(client.users.getUser("me"));
    await new Promise((r) => setTimeout(r, 100));
    expect((await timed(client.close())).ms).toBeLessThan(SLACK);
    expect((await call).error).toBeInstanceOf(RequestAbortedError);
  });

  it("closes the event streams the client opened", async () => {
    const server = await createTestServer();
    try {
      const client = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
      const ws = client.websocket();
      const states: string[] = [];
      ws.on("statechange", (state) => states.push(state));
      await ws.connect();
      expect(ws.state).toBe("open");
      const closing = await timed(client.close());
      expect(closing.ms).toBeLessThan(SLACK);
      expect(ws.state).toBe("closed");
      expect(states.at(-1)).toBe("closed");
      await new Promise((r) => setTimeout(r, 100));
      expect(server.webSockets().open).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("rejects a bad closeTimeout, naming the option", () => {
    expect(() => new AsyncClient({ url: "http://127.0.0.1:1", closeTimeout: -1 })).toThrow(/closeTimeout/);
  });
});
