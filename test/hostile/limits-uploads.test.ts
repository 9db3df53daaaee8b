/**
 * LIM: on the fetch transport, a large fromPath() upload is streamed from disk (duplex: "half") instead of read into
 * memory whole: the runtime's fetch loads a Blob body, a file-backed one too, into one buffer before sending it.
 * Small bodies are still sent whole, with a Content-Length.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient, fromPath } from "../../src/index.js";
import { type LimitServer, startLimitServer } from "./helpers/limit-servers.js";

const MiB = 1024 * 1024;
let dir: string;
let server: LimitServer | undefined;
let client: AsyncClient | undefined;
let received: { bytes: number; chunked: boolean; length: string | undefined }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "matterapi-lim-"));
  await writeFile(join(dir, "big.bin"), Buffer.alloc(256 * MiB, 7));
  await writeFile(join(dir, "small.txt"), "hello");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  received = [];
});

async function countingServer(): Promise<LimitServer> {
  return startLimitServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => {
      received.push({
        bytes,
        chunked: req.headers["transfer-encoding"] === "chunked",
        length: req.headers["content-length"],
      });
      res.writeHead(201, { "content-type": "application/json" });
      res.end('{"file_infos":[],"client_ids":[]}');
    });
  });
}

describe("fetch transport: fromPath uploads", () => {
  it("streams a 256 MiB file: the process never holds it in memory", async () => {
    server = await countingServer();
    client = new AsyncClient({ url: server.url, auth: { token: "t" }, transport: "fetch", timeout: 20_000 });
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 5);
    try {
      await client.files.uploadFile({ files: fromPath(join(dir, "big.bin")), channel_id: "c1" });
    } finally {
      clearInterval(sampler);
    }
    expect(received).toHaveLength(1);
    expect(received[0]?.bytes).toBeGreaterThan(256 * MiB);
    expect(received[0]?.chunked).toBe(true);
    // Loaded whole, the file alone would be 256 MiB at once; streamed, only chunks in flight (and garbage).
    expect(peak - base).toBeLessThan(128 * MiB);
  });

  it("sends a small file whole, with a Content-Length", async () => {
    server = await countingServer();
    client = new AsyncClient({ url: server.url, auth: { token: "t" }, transport: "fetch" });
    await client.files.uploadFile({ files: fromPath(join(dir, "small.txt")), channel_id: "c1" });
    expect(received[0]?.chunked).toBe(false);
    expect(Number(received[0]?.length)).toBe(received[0]?.bytes);
  });
});
