/**
 * LIM: answers that never end or never hurry. A body over maxResponseBytes fails as soon as it passes the limit
 * (memory stays bounded, the connection is dropped); a body that stalls between chunks times out on both transports;
 * a body that drips just fast enough to dodge that is stopped by the overall deadline.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  AsyncClient,
  DeadlineExceededError,
  RequestTimeoutError,
  ResponseTooLargeError,
  UsageError,
} from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { drip, endlessBody, type LimitServer, sized, startLimitServer } from "./helpers/limit-servers.js";

const TRANSPORTS = ["undici", "fetch"] as const;
const MiB = 1024 * 1024;
let server: LimitServer | undefined;
let client: AsyncClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** Reads a web stream to the end; resolves with its length in bytes. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}

function clientFor(url: string, transport: (typeof TRANSPORTS)[number], extra: Record<string, unknown> = {}) {
  client = new AsyncClient({ url, auth: { token: "t" }, transport, maxRetries: 0, ...extra });
  return client;
}

describe.each(TRANSPORTS)("%s transport: maxResponseBytes", (transport) => {
  it("an endless JSON body fails with ResponseTooLargeError once past the limit, memory bounded", async () => {
    server = await startLimitServer(endlessBody());
    const c = clientFor(server.url, transport, { maxResponseBytes: 4 * MiB, timeout: 5_000 });
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const error = await caught(c.system.getPing());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.limit).toBe(4 * MiB);
    expect(error.message).toContain("maxResponseBytes");
    expect(error.message).toContain("/api/v4/system/ping");
    expect(Date.now() - started).toBeLessThan(5_000);
    // The client stopped reading: the server could send little more than the limit plus socket buffers.
    await new Promise((r) => setTimeout(r, 100));
    expect(server.bytesSent).toBeLessThan(4 * MiB + 16 * MiB);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * MiB);
    // The socket was released (destroyed, not kept for reuse with a body still coming).
    await expect.poll(() => server?.closed, { timeout: 2_000 }).toBeGreaterThanOrEqual(1);
  });

  it("a declared Content-Length over the limit fails before the body is read", async () => {
    server = await startLimitServer(endlessBody(1024 * MiB));
    const c = clientFor(server.url, transport, { maxResponseBytes: MiB });
    const error = await caught(c.system.getPing());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(server.bytesSent).toBeLessThan(16 * MiB);
  });

  it("an answer at the limit is read; one byte over is refused; the per-call retry does not repeat it", async () => {
    server = await startLimitServer(sized(1000));
    const ok = clientFor(server.url, transport, { maxResponseBytes: 1000, maxRetries: 2 });
    expect(await ok.system.getPing()).toBe("x".repeat(998));
    await ok.close();
    const tight = clientFor(server.url, transport, { maxResponseBytes: 999, maxRetries: 2 });
    const before = server.requests;
    expect(await caught(tight.system.getPing())).toBeInstanceOf(ResponseTooLargeError);
    expect(server.requests - before).toBe(1);
  });

  it("a binary download read whole obeys the limit; .stream() does not", async () => {
    server = await startLimitServer(sized(2 * MiB));
    const c = clientFor(server.url, transport, { maxResponseBytes: MiB });
    expect(await caught(c.files.getFile("f1"))).toBeInstanceOf(ResponseTooLargeError);
    expect(await drain(await c.files.getFile("f1").stream())).toBe(2 * MiB);
  });
});

// The bounds below leave seconds of slack for a loaded machine; what they rule out is a wait that never ends (the
// drip goes on far longer than any bound here).
describe.each(TRANSPORTS)("%s transport: a body dripping one byte a second", (transport) => {
  it("times out between chunks within the timeout (+ slack)", async () => {
    server = await startLimitServer(drip(1_000));
    const c = clientFor(server.url, transport, { timeout: 300 });
    const started = Date.now();
    const error = await caught(c.system.getPing());
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(took).toBeLessThan(300 + 3_000);
    await expect.poll(() => server?.closed, { timeout: 2_000 }).toBeGreaterThanOrEqual(1);
  });

  it("times out a .stream() reader waiting for the next chunk", async () => {
    server = await startLimitServer(drip(1_000));
    const c = clientFor(server.url, transport, { timeout: 300 });
    const started = Date.now();
    const stream = await c.files.getFile("f1").stream();
    const error = await caught(drain(stream));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(300 + 3_000);
  });

  it("a body dripping faster than the timeout is stopped by the deadline", async () => {
    server = await startLimitServer(drip(50));
    const c = clientFor(server.url, transport, { timeout: 1_000, deadline: 400 });
    const started = Date.now();
    const error = await caught(c.system.getPing());
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toContain("400 ms deadline");
    expect(Date.now() - started).toBeLessThan(400 + 3_000);
  });

  it("a per-call deadline overrides the client's (0: none)", async () => {
    server = await startLimitServer(drip(50));
    const c = clientFor(server.url, transport, { timeout: 1_000, deadline: 60_000 });
    const started = Date.now();
    expect(await caught(c.system.getPing(undefined, { deadline: 300 }))).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(300 + 3_000);
    expect(await caught(c.system.getPing(undefined, { deadline: -1 }))).toBeInstanceOf(UsageError);
  });
});
