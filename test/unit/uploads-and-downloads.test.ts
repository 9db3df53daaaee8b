import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { encodeMultipart } from "../../src/core/uploads.js";
import { AsyncClient, fromPath, toFile, UsageError } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { FakeTransport, type Reply } from "../helpers/fake-transport.js";

function setup(replies: Reply[] = [{ status: 201, body: { file_infos: [], client_ids: [] } }]) {
  const transport = new FakeTransport(replies);
  const client = new AsyncClient({ url: "https://c.example", auth: { token: "t" }, transport, validation: "off" });
  return { transport, client };
}

/** Splits a recorded multipart body into its parts: [headers, content]. */
function parts(body: string): { headers: string; content: string }[] {
  const boundary = body.slice(2, body.indexOf("\r\n"));
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [headers, ...rest] = part.slice(2, -2).split("\r\n\r\n");
      return { headers, content: rest.join("\r\n\r\n") };
    });
}

describe("uploads", () => {
  it("sends several files at once, from bytes, a Blob, a Node stream, a web stream and a path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "matterapi-up-"));
    writeFileSync(join(dir, "from-disk.txt"), "disk bytes");
    const { client, transport } = setup();
    await client.files.uploadFile({
      channel_id: "chan1",
      files: {
        "a.png": Buffer.from("png bytes"),
        "b.txt": new Blob(["blob bytes"], { type: "text/plain" }),
        "c.bin": Readable.from([Buffer.from("node "), Buffer.from("stream")]),
        "d.bin": new Blob(["web stream"]).stream(),
        "e.txt": fromPath(join(dir, "from-disk.txt")),
      },
      client_ids: ["c1", "c2", "c3", "c4", "c5"],
    });
    const req = transport.requests[0];
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://c.example/api/v4/files");
    const all = parts(req.bodyText ?? "");
    // Text fields first: the server's streaming reader needs channel_id before any file.
    expect(all.slice(0, 6).map((p) => p.content)).toEqual(["chan1", "c1", "c2", "c3", "c4", "c5"]);
    const files = all.slice(6);
    expect(files.map((p) => /filename="([^"]+)"/.exec(p.headers)?.[1])).toEqual([
      "a.png",
      "b.txt",
      "c.bin",
      "d.bin",
      "e.txt",
    ]);
    expect(files.map((p) => p.content)).toEqual(["png bytes", "blob bytes", "node stream", "web stream", "disk bytes"]);
    expect(files[0].headers).toContain("Content-Type: image/png");
    expect(files[1].headers).toContain("Content-Type: text/plain");
    expect(files.every((p) => p.headers.includes('name="files"'))).toBe(true);
  });

  it("takes a single file or a list, naming files by toFile, File or field", async () => {
    const { client, transport } = setup();
    await client.files.uploadFile({ channel_id: "c", files: [toFile("one", "one.md"), new File(["two"], "two.csv")] });
    const files = parts(transport.requests[0].bodyText ?? "").slice(1);
    expect(files.map((p) => /filename="([^"]+)"/.exec(p.headers)?.[1])).toEqual(["one.md", "two.csv"]);
    expect(files[0].headers).toContain("text/markdown");
  });

  it("refuses what it cannot upload, naming the field", async () => {
    await expect(encodeMultipart({ files: { "a.png": 42 } })).rejects.toThrow(/field files: file a.png is a number/);
    await expect(encodeMultipart({ files: [new Date()] })).rejects.toThrow(/field files: cannot send a Date/);
    expect(() => toFile(Buffer.from(""), "")).toThrow(UsageError);
  });

  it("a missing path fails with a clear error and sends nothing", async () => {
    const { client, transport } = setup();
    const error = await caught(client.files.uploadFile({ channel_id: "c", files: fromPath("/nonexistent/x.png") }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain("cannot read /nonexistent/x.png");
    expect(transport.requests).toHaveLength(0);
  });

  it("sends a raw binary body where the server reads raw bytes (resumable upload data)", async () => {
    const { client, transport } = setup([{ status: 200, body: { id: "f" } }]);
    await client.uploads.uploadData("up1", Buffer.from("raw chunk"));
    expect(transport.requests[0].headers["content-type"]).toBe("application/octet-stream");
    expect(transport.requests[0].bodyText).toBe("raw chunk");
  });
});

describe("downloads", () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);

  it("returns the bytes, never JSON-parsed, whatever the content type says", async () => {
    const { client, transport } = setup([{ body: bytes, headers: { "content-type": "application/json" } }]);
    const data = await client.files.getFile("f1");
    expect(data).toBeInstanceOf(Uint8Array);
    expect([...data]).toEqual([...bytes]);
    expect(transport.requests[0].headers.accept).toBe("*/*");
  });

  it("streams the body with .stream()", async () => {
    const { client } = setup([{ body: bytes }]);
    const stream = await client.files.getFileThumbnail("f1").stream();
    const chunks: number[] = [];
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(...r.value);
    expect(chunks).toEqual([...bytes]);
  });

  it("gives status, headers and request id with .withResponse()", async () => {
    const { client } = setup([{ body: bytes, headers: { "Content-Type": "image/png", "X-Request-Id": "r-42" } }]);
    const { data, response } = await client.users.getProfileImage("u1").withResponse();
    expect(data.byteLength).toBe(bytes.byteLength);
    expect(response.status).toBe(200);
    expect(response.requestId).toBe("r-42");
    expect(response.headers["content-type"]).toBe("image/png");
  });
});
