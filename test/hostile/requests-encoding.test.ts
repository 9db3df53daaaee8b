/**
 * Issue 10, requests: compressed answers. undici's request() hands back the body as sent, so the undici transport
 * decodes gzip, deflate and br itself (and asks only for those); fetch decodes on its own. Both must give the
 * same answers: JSON, downloads (whole or streamed), error bodies; and a body that is not what its
 * Content-Encoding says, or a coding never asked for, is a clear ConnectionError, not garbage text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunksOf } from "../../src/core/streams.js";
import { AsyncClient, ConnectionError, ResourceNotFound } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { type Coding, startCompressingServer, type TestServer, user } from "./helpers/request-servers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startCompressingServer();
});
afterAll(() => server.close());

const codings: Coding[] = ["gzip", "x-gzip", "br", "deflate", "gzip, br"];
const expectedFile = Buffer.alloc(64 << 10).map((_, i) => i % 251);

describe.each(["undici", "fetch"] as const)("compressed answers (%s transport)", (transport) => {
  const client = (coding: string) =>
    new AsyncClient({
      url: `${server.url}/c/${encodeURIComponent(coding)}`,
      auth: { token: "t" },
      transport,
      timeout: 2000,
      maxRetries: 0,
      validation: "strict",
    });

  for (const coding of codings) {
    it(`decodes a ${coding} JSON answer, download and stream`, async () => {
      const c = client(coding);
      expect(await c.users.getUser("u1")).toEqual(user);
      // Buffer.equals: a deep comparison of 64 KiB element by element is slow.
      expect(Buffer.from(await c.files.getFile("f1")).equals(expectedFile)).toBe(true);
      const chunks: Uint8Array[] = [];
      for await (const chunk of chunksOf(await c.files.getFile("f1").stream())) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(expectedFile)).toBe(true);
      const error = await caught(c.request("GET", "/api/v4/error/x"));
      expect(error).toBeInstanceOf(ResourceNotFound);
      expect(error.message).toContain("Sorry, not here.");
      await c.close();
    });
  }

  it("a 204 that says gzip but has no body is fine", async () => {
    const c = client("empty");
    const res = await c.request("DELETE", "/api/v4/posts/p1", { response: "empty" }).withResponse();
    expect(res.response.status).toBe(204);
    expect(res.data).toBeUndefined();
    await c.close();
  });

  it("a body that is not what its Content-Encoding says is a ConnectionError", async () => {
    const c = client("garbage");
    const error = await caught(c.users.getUser("u1"));
    expect(error).toBeInstanceOf(ConnectionError);
    if (transport === "undici") expect(error.message).toContain("does not decode as its Content-Encoding says");
    await c.close();
  });
});

describe("undici transport", () => {
  it("asks for gzip, deflate and br only, and keeps a caller's own Accept-Encoding", async () => {
    const c = new AsyncClient({ url: `${server.url}/c/gzip`, auth: { token: "t" }, transport: "undici" });
    const before = server.requests.length;
    await c.users.getUser("u1");
    await c.users.getUser("u1", { headers: { "Accept-Encoding": "gzip" } });
    const sent = server.requests.slice(before).map((r) => r.headers["accept-encoding"]);
    expect(sent).toEqual(["gzip, deflate, br", "gzip"]);
    await c.close();
  });

  it("a coding it never asked for is a ConnectionError naming it, never the raw bytes", async () => {
    const c = new AsyncClient({
      url: `${server.url}/c/zstd`,
      auth: { token: "t" },
      transport: "undici",
      maxRetries: 0,
    });
    const error = await caught(c.users.getUser("u1"));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('the answer is encoded as "zstd", which the client does not decode');
    // A stream fails where it is read, as when a connection drops mid-download.
    const stream = await c.files.getFile("f1").stream();
    const download = await caught(
      (async () => {
        for await (const _ of chunksOf(stream));
      })(),
    );
    expect(download).toBeInstanceOf(ConnectionError);
    expect(download.message).toContain('"zstd"');
    await c.close();
  });
});
