/** The built-in transports over real loopback sockets: pooling, TLS options, proxies, timeouts, fetch. */
import { execFile } from "node:child_process";
import { getEventListeners } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import selfsigned from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncClient,
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  ResourceNotFound,
} from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { json, startProxy, startServer, type TestServer } from "../helpers/http-server.js";
import { ROOT } from "../helpers/spec.js";

const execFileAsync = promisify(execFile);

const user = {
  id: "u1",
  username: "jane",
  delete_at: 0,
  auth_service: "",
  email: "",
  nickname: "",
  first_name: "",
  last_name: "",
  position: "",
  roles: "",
  locale: "en",
};

const handler = (
  req: { url?: string | undefined; method?: string | undefined; body: Buffer },
  res: import("node:http").ServerResponse,
) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/api/v4/users/me") return json(res, 200, user, { "x-request-id": "rid-1" });
  if (url.pathname === "/api/v4/files/f1") {
    res.writeHead(200, { "content-type": "image/png" });
    res.end(Buffer.from([1, 2, 3, 255]));
    return;
  }
  if (url.pathname === "/api/v4/files" && req.method === "POST") {
    return json(res, 201, { file_infos: [{ id: "f", name: String(req.body.length) }], client_ids: [] });
  }
  if (url.pathname === "/api/v4/files/big") {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(Buffer.alloc(4 << 20, 7));
    return;
  }
  if (url.pathname === "/api/v4/files/broken") {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(1 << 20) });
    res.write(Buffer.alloc(64 << 10, 1));
    setTimeout(() => res.socket?.destroy(), 20); // the rest never comes
    return;
  }
  if (url.pathname === "/api/v4/files/stalled") {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.write(Buffer.alloc(64 << 10, 1)); // and nothing more, until the client gives up
    return;
  }
  if (url.pathname === "/slow") return; // never answers
  if (url.pathname === "/stalled-body") {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"id":'); // and never the rest
    return;
  }
  return json(res, 404, {
    id: "api.context.404.app_error",
    message: "Sorry, we could not find the page.",
    detailed_error: "",
    status_code: 404,
  });
};

describe("undici transport (default on Node)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(handler);
  });
  afterAll(() => server.close());

  it("reuses its keep-alive connections: more calls do not open more", async () => {
    const before = server.connections;
    const client = new AsyncClient({ url: server.url, auth: { token: "t" } });
    for (let i = 0; i < 5; i++) await client.users.getUser("me");
    const opened = server.connections - before;
    // undici's pool may open a second socket while the first finishes its previous answer; never more.
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(2);
    for (let i = 0; i < 50; i++) await client.users.getUser("me");
    expect(server.connections - before).toBe(opened);
    await client.close();
  });

  it("gives the status, headers and request id with the data", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: "t" } });
    const { data, response } = await client.users.getUser("me").withResponse();
    expect(data.username).toBe("jane");
    expect(response).toMatchObject({ status: 200, requestId: "rid-1", method: "GET" });
    await client.close();
  });

  it("downloads bytes and uploads multipart over the wire", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: "t" } });
    expect([...(await client.files.getFile("f1"))]).toEqual([1, 2, 3, 255]);
    const up = await client.files.uploadFile({ channel_id: "c", files: { "a.bin": new Uint8Array(10_000) } });
    expect(Number(up.file_infos?.[0].name)).toBeGreaterThan(10_000);
    const sent = server.requests.at(-1);
    expect(sent?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    await client.close();
  });

  it("times out a server that does not answer", async () => {
    const client = new AsyncClient({ url: server.url, timeout: 200, maxRetries: 0 });
    const error = await caught(client.request("GET", "/slow"));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toContain("200 ms");
    await client.close();
  });

  it("times a short timeout by a clock of its own, not by undici's coarse timers", async () => {
    const client = new AsyncClient({ url: server.url, timeout: 100, maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const error = await caught(client.request("GET", "/slow"));
      const waited = performance.now() - started;
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect(error.message).toContain("100 ms");
      expect(waited).toBeGreaterThanOrEqual(95);
      // undici's own timers let this wait about a second (measured: 1002-1014 ms); the margin is for a busy machine.
      expect(waited).toBeLessThan(600);
    }
    await client.close();
  });

  it("still obeys the caller's signal under a short timeout: before the call, and while the body arrives", async () => {
    const client = new AsyncClient({ url: server.url, timeout: 5000, maxRetries: 0 });
    const before = server.requests.length;
    expect(await caught(client.request("GET", "/slow", { signal: AbortSignal.abort() }))).toBeInstanceOf(
      RequestAbortedError,
    );
    expect(server.requests.length).toBe(before);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    expect(await caught(client.request("GET", "/stalled-body", { signal: controller.signal }))).toBeInstanceOf(
      RequestAbortedError,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    await client.close();
  });

  it("lets go of a long-lived signal after each call, whatever the timeout", async () => {
    const controller = new AbortController();
    for (const timeout of [5000, 30_000]) {
      const client = new AsyncClient({ url: server.url, auth: { token: "t" }, timeout });
      for (let i = 0; i < 20; i++) await client.users.getUser("me", { signal: controller.signal });
      await (await client.files.getFile("f1", { signal: controller.signal }).stream()).cancel();
      await caught(client.request("GET", "/nowhere", { signal: controller.signal }));
      await new Promise((resolve) => setImmediate(resolve)); // a body's "close" comes a tick after its end
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      await client.close();
    }
  });

  it("aborts on the caller's signal", async () => {
    const client = new AsyncClient({ url: server.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await caught(client.request("GET", "/slow", { signal: controller.signal }))).toBeInstanceOf(
      RequestAbortedError,
    );
    await client.close();
  });

  it("reports a refused connection as a ConnectionError", async () => {
    const client = new AsyncClient({ url: "http://127.0.0.1:1", maxRetries: 0 });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it("lets a process that used the client exit by itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "matterapi-exit-"));
    const script = join(dir, "script.mts");
    writeFileSync(
      script,
      `import { AsyncClient } from ${JSON.stringify(join(ROOT, "src/index.ts"))};
       const client = new AsyncClient({ url: ${JSON.stringify(server.url)}, auth: { token: "t" } });
       const me = await client.users.getUser("me");
       console.log(me.username); // no close(): idle pooled sockets must not keep the process alive`,
    );
    // Async: the server answering the child lives in this process.
    const child = await execFileAsync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, timeout: 15_000 });
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("jane");
  });
});

describe.each(["undici", "fetch"] as const)("download streams (%s transport)", (transport) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(handler);
  });
  afterAll(() => server.close());
  const client = () => new AsyncClient({ url: server.url, auth: { token: "t" }, transport, maxRetries: 0 });

  /** Reads a stream to its end; gives the byte count, or the error it failed with. */
  async function drain(stream: ReadableStream<Uint8Array>): Promise<number | Error> {
    const reader = stream.getReader();
    let total = 0;
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) total += next.value.byteLength;
      return total;
    } catch (error) {
      return error as Error;
    }
  }

  it("streams a download whole, and a stream cancelled part way stops cleanly", async () => {
    const c = client();
    expect(await drain(await c.files.getFile("big").stream())).toBe(4 << 20);
    for (let i = 0; i < 3; i++) {
      const reader = (await c.files.getFile("big").stream()).getReader();
      expect((await reader.read()).value?.[0]).toBe(7);
      await reader.cancel();
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // an uncaught error from a cancelled body would land here
    expect((await c.users.getUser("me")).username).toBe("jane");
    await c.close();
  });

  it("fails a stream whose connection breaks part way with a ConnectionError naming the call", async () => {
    const c = client();
    const error = await drain(await c.files.getFile("broken").stream());
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain("/api/v4/files/broken");
    await c.close();
  });

  it("fails a stream with RequestAbortedError when the caller's signal is aborted while it is read", async () => {
    const c = client();
    const controller = new AbortController();
    const reader = (await c.files.getFile("stalled", { signal: controller.signal }).stream()).getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    expect(await caught(reader.read())).toBeInstanceOf(RequestAbortedError);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    await c.close();
  });
});

describe("TLS options", () => {
  let server: TestServer;
  let cert: string;
  beforeAll(async () => {
    const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
          ],
        },
      ],
    });
    cert = pems.cert;
    server = await startServer(handler, { key: pems.private, cert: pems.cert });
  });
  afterAll(() => server.close());

  it("refuses an untrusted certificate by default", async () => {
    const client = new AsyncClient({ url: server.url, maxRetries: 0 });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/certificate/i);
  });

  it("trusts a custom CA", async () => {
    const client = new AsyncClient({ url: server.url, tls: { ca: cert } });
    expect((await client.users.getUser("me")).username).toBe("jane");
    await client.close();
  });

  it("can turn verification off", async () => {
    const client = new AsyncClient({ url: server.url, tls: { rejectUnauthorized: false } });
    expect((await client.users.getUser("me")).username).toBe("jane");
    await client.close();
  });
});

describe("proxy", () => {
  it("tunnels every call through the proxy, with its authorization", async () => {
    const server = await startServer(handler);
    const proxy = await startProxy();
    const client = new AsyncClient({ url: server.url, proxy: { url: proxy.url, authorization: "Basic dTpw" } });
    expect((await client.users.getUser("me")).username).toBe("jane");
    expect(proxy.tunnels).toEqual([`127.0.0.1:${server.port}`]);
    expect(proxy.authorizations).toEqual(["Basic dTpw"]);
    await client.close();
    await proxy.close();
    await server.close();
  });
});

describe("fetch transport (browsers, Bun, Deno)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(handler);
  });
  afterAll(() => server.close());

  it("does JSON, errors, downloads and uploads the same way", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: "t" }, transport: "fetch" });
    expect((await client.users.getUser("me")).username).toBe("jane");
    expect(await caught(client.users.getUser("nobody"))).toBeInstanceOf(ResourceNotFound);
    expect([...(await client.files.getFile("f1"))]).toEqual([1, 2, 3, 255]);
    const up = await client.files.uploadFile({ channel_id: "c", files: [new Blob(["abc"]), new Uint8Array(5)] });
    expect(up.file_infos).toHaveLength(1);
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer t");
    await client.close();
  });

  it("uses a fetch you pass in, and times out", async () => {
    const calls: string[] = [];
    const client = new AsyncClient({
      url: server.url,
      timeout: 150,
      maxRetries: 0,
      fetch: (input, init) => {
        calls.push(input);
        return fetch(input, init);
      },
    });
    await client.users.getUser("me");
    expect(calls).toEqual([`${server.url}/api/v4/users/me`]);
    expect(await caught(client.request("GET", "/slow"))).toBeInstanceOf(RequestTimeoutError);
  });
});
