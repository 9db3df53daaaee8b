import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/core/retry.js";
import { AsyncClient, ConnectionError, InternalServerError, TooManyRequests } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { FakeTransport, type Handler, type Reply } from "../helpers/fake-transport.js";

const user = { id: "u1", username: "jane" };

function setup(handler: Handler | Reply[], maxRetries = 2) {
  const transport = new FakeTransport(handler);
  const client = new AsyncClient({
    url: "https://c.example",
    auth: { token: "t" },
    transport,
    maxRetries,
    validation: "off",
  });
  return { transport, client };
}

describe("retries", () => {
  it("retries a 429 after the Retry-After the server asked for", async () => {
    const times: number[] = [];
    const { client, transport } = setup((_req, i) => {
      times.push(performance.now());
      return i === 0 ? { status: 429, headers: { "Retry-After": "0.3" }, body: "limit exceeded" } : { body: user };
    });
    await expect(client.users.getUser("me")).resolves.toEqual(user);
    expect(transport.requests).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(290);
  });

  it("falls back to X-RateLimit-Reset when there is no Retry-After", async () => {
    const times: number[] = [];
    const { client } = setup((_req, i) => {
      times.push(performance.now());
      return i === 0 ? { status: 429, headers: { "X-RateLimit-Reset": "0.2" } } : { body: user };
    });
    await client.users.getUser("me");
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(190);
  });

  it("retries a 429 for a POST too (the server did nothing)", async () => {
    const { client, transport } = setup((_req, i) =>
      i === 0 ? { status: 429, headers: { "Retry-After": "0" } } : { status: 201, body: { id: "p" } },
    );
    await client.posts.createPost({ channel_id: "c", message: "hi" });
    expect(transport.requests).toHaveLength(2);
    expect(transport.requests[1].bodyText).toBe(transport.requests[0].bodyText);
  });

  it("gives up at once when Retry-After is longer than maxRetryDelay", async () => {
    const transport = new FakeTransport([{ status: 429, headers: { "Retry-After": "3600" } }]);
    const client = new AsyncClient({ url: "https://c.example", transport, maxRetryDelay: 10_000 });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(TooManyRequests);
    expect(error.retryAfter).toBe(3600);
    expect(transport.requests).toHaveLength(1);
  });

  it("one 429 pauses the other calls of the client", async () => {
    const sent: { path: string; at: number }[] = [];
    let limited = false;
    const { client } = setup((req) => {
      sent.push({ path: req.url, at: performance.now() });
      if (req.url.endsWith("/first") && !limited) {
        limited = true;
        return { status: 429, headers: { "Retry-After": "0.3" } };
      }
      return { body: {} };
    });
    const first = client.request("GET", "/first");
    await new Promise((r) => setTimeout(r, 20));
    const start = performance.now();
    await client.request("GET", "/second");
    await first;
    const second = sent.find((s) => s.path.endsWith("/second"));
    expect(second?.at ?? 0).toBeGreaterThanOrEqual(start + 200);
  });

  it("retries 502, 503 and 504 for a GET with backoff", async () => {
    for (const status of [502, 503, 504]) {
      const { client, transport } = setup((_req, i) => (i < 2 ? { status } : { body: user }));
      await expect(client.users.getUser("me")).resolves.toEqual(user);
      expect(transport.requests).toHaveLength(3);
    }
  });

  it("does not retry a 503 for a POST", async () => {
    const { client, transport } = setup([{ status: 503 }, { status: 201, body: {} }]);
    await expect(client.posts.createPost({ channel_id: "c", message: "hi" })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(transport.requests).toHaveLength(1);
  });

  it("does not retry a 500", async () => {
    const { client, transport } = setup([{ status: 500 }, { body: user }]);
    await expect(client.users.getUser("me")).rejects.toBeInstanceOf(InternalServerError);
    expect(transport.requests).toHaveLength(1);
  });

  it("retries a connection failure for a GET, not for a POST", async () => {
    const get = setup([{ fail: "connection" }, { body: user }]);
    await expect(get.client.users.getUser("me")).resolves.toEqual(user);
    expect(get.transport.requests).toHaveLength(2);
    const post = setup([{ fail: "connection" }, { status: 201, body: {} }]);
    await expect(post.client.posts.createPost({ channel_id: "c", message: "m" })).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect(post.transport.requests).toHaveLength(1);
  });

  it("retries a GET whose answer broke off mid-body", async () => {
    const { client, transport } = setup([{ body: user, failBody: true }, { body: user }]);
    await expect(client.users.getUser("me")).resolves.toEqual(user);
    expect(transport.requests).toHaveLength(2);
  });

  it("stops after maxRetries and throws the last error", async () => {
    const { client, transport } = setup([{ status: 503 }], 2);
    await expect(client.users.getUser("me")).rejects.toBeInstanceOf(InternalServerError);
    expect(transport.requests).toHaveLength(3);
  });

  it("maxRetries: 0 turns retries off, per client and per call", async () => {
    const off = setup([{ status: 503 }, { body: user }], 0);
    await expect(off.client.users.getUser("me")).rejects.toBeInstanceOf(InternalServerError);
    expect(off.transport.requests).toHaveLength(1);
    const perCall = setup([{ status: 503 }, { body: user }], 2);
    await expect(perCall.client.users.getUser("me", { maxRetries: 0 })).rejects.toBeInstanceOf(InternalServerError);
    expect(perCall.transport.requests).toHaveLength(1);
  });

  it("never re-sends a body that is a stream", async () => {
    const { client, transport } = setup([
      { status: 429, headers: { "Retry-After": "0" } },
      { status: 201, body: {} },
    ]);
    const stream = Readable.from([Buffer.from("chunk-1"), Buffer.from("chunk-2")]);
    await expect(client.files.uploadFile({ channel_id: "c", files: { "a.txt": stream } })).rejects.toBeInstanceOf(
      TooManyRequests,
    );
    expect(transport.requests).toHaveLength(1);
    expect(transport.requests[0].bodyText).toContain("chunk-1chunk-2");
  });

  it("re-sends an in-memory multipart body whole", async () => {
    const { client, transport } = setup([
      { status: 429, headers: { "Retry-After": "0" } },
      { status: 201, body: {} },
    ]);
    await client.files.uploadFile({ channel_id: "c", files: { "a.txt": Buffer.from("hello") } });
    expect(transport.requests).toHaveLength(2);
    expect(transport.requests[1].bodyText).toContain("hello");
  });

  it("an abort during the wait ends the call", async () => {
    const { client } = setup([{ status: 503 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await caught(client.users.getUser("me", { signal: controller.signal }));
    expect(error.name).toBe("RequestAbortedError");
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 0)).toBe(1000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
    expect(backoffDelay(10, () => 0)).toBe(8000);
    expect(backoffDelay(0, () => 1)).toBe(375);
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(2)));
    expect(samples.size).toBeGreaterThan(1);
    for (const s of samples) expect(s).toBeGreaterThanOrEqual(1500);
  });
});
