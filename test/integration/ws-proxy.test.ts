/**
 * The event stream through a proxy (src/ws/proxy-tunnel.ts): a CONNECT tunnel, TLS to the server inside it, the
 * proxy's credentials sent and never shown; and hostile proxies (one that refuses with 407, one that never
 * answers, one that is down) fail within their bound, with a message naming the proxy without its password.
 */

import { createServer, type Server, type Socket } from "node:net";
import { inspect } from "node:util";
import selfsigned from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { openTunnel, ProxyTunnelError } from "../../src/ws/proxy-tunnel.js";
import { caught } from "../helpers/caught.js";
import { startProxy, type TestProxy } from "../helpers/http-server.js";

const PASSWORD = "pr0xy-SECRET-pw";

/** A TCP server that does `onSocket` with each connection; its sockets are destroyed on close. */
async function rawProxy(onSocket: (socket: Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://proxyuser:${PASSWORD}@127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers every CONNECT with 407 once its head has arrived. */
const refusingProxy = () =>
  rawProxy((socket) => {
    let head = "";
    socket.on("data", (chunk) => {
      head += String(chunk);
      if (head.includes("\r\n\r\n")) {
        socket.end(
          "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n",
        );
      }
    });
  });

/** Reads and never answers. */
const silentProxy = () => rawProxy((socket) => socket.resume());

function expectNoPassword(value: unknown): void {
  const seen = `${inspect(value, { depth: 10 })}\n${JSON.stringify(value)}`;
  expect(seen).not.toContain(PASSWORD);
  expect(seen).not.toContain(Buffer.from(`proxyuser:${PASSWORD}`).toString("base64"));
}

describe("the WebSocket through a proxy", () => {
  let secure: TestServer;
  let ca: string;
  let proxy: TestProxy;
  const clients: AsyncClient[] = [];

  beforeAll(async () => {
    const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    ca = pems.cert;
    secure = await createTestServer({ tls: { key: pems.private, cert: pems.cert } });
    proxy = await startProxy();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await proxy.close();
    await secure.close();
  });

  const client = (options: Partial<ConstructorParameters<typeof AsyncClient>[0]>) => {
    const c = new AsyncClient({ url: secure.url, auth: { token: secure.user.token }, maxRetries: 0, ...options });
    clients.push(c);
    return c;
  };

  it("wss: a tunnel to the server, TLS inside it checked against tls.ca, Basic credentials from the proxy URL", async () => {
    const proxyUrl = proxy.url.replace("://", `://proxyuser:${encodeURIComponent(PASSWORD)}@`);
    const ws = client({ tls: { ca }, proxy: proxyUrl }).websocket();
    const before = proxy.tunnels.length;
    await ws.connect();
    expect(ws.state).toBe("open");
    ws.close();
    const port = new URL(secure.url).port;
    expect(proxy.tunnels.slice(before)).toContain(`127.0.0.1:${port}`);
    expect(proxy.authorizations.at(-1)).toBe(`Basic ${Buffer.from(`proxyuser:${PASSWORD}`).toString("base64")}`);
  });

  it("wss: a certificate the client does not trust fails the stream, tunnel or not", async () => {
    const ws = client({ proxy: { url: proxy.url, authorization: "Basic dTpw" }, tls: {} }).websocket({
      connectTimeout: 5000,
    });
    ws.on("error", () => {});
    const error = await caught(ws.connect());
    expect(String(error?.message)).toMatch(/TLS|certificate/i);
    expect(proxy.authorizations.at(-1)).toBe("Basic dTpw");
    ws.close();
  });

  it("a proxy that answers 407: the stream's errors name the proxy and the status, never the password", async () => {
    const refusing = await refusingProxy();
    try {
      const ws = client({ proxy: refusing.url }).websocket({ connectTimeout: 1500, initialReconnectDelay: 50 });
      const errors: Error[] = [];
      ws.on("error", (e) => errors.push(e));
      const error = await caught(ws.connect());
      ws.close();
      expect(error).toBeInstanceOf(Error);
      const said = [error, ...errors].map((e) => inspect(e, { depth: 10 })).join("\n");
      expect(said).toMatch(/proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+ refused a tunnel to 127\.0\.0\.1:\d+: 407/);
      expectNoPassword([error, ...errors]);
    } finally {
      await refusing.close();
    }
  });
});

describe("openTunnel against hostile proxies", () => {
  it("407: a ProxyTunnelError with the status and a hint, the proxy's userinfo masked", async () => {
    const refusing = await refusingProxy();
    try {
      const error = await caught(
        openTunnel("chat.example.com", 443, { proxy: { url: refusing.url }, secure: true, timeout: 5000 }),
      );
      expect(error).toBeInstanceOf(ProxyTunnelError);
      expect((error as ProxyTunnelError).status).toBe(407);
      expect(error?.message).toMatch(
        /^the proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+ refused a tunnel to chat\.example\.com:443: 407 /,
      );
      expect(error?.message).toContain("check the proxy's credentials");
      expectNoPassword(error);
    } finally {
      await refusing.close();
    }
  });

  it("a proxy that echoes the credentials in its reason phrase: they are cut out of the message", async () => {
    const echoing = await rawProxy((socket) => {
      let head = "";
      socket.on("data", (chunk) => {
        head += String(chunk);
        if (!head.includes("\r\n\r\n")) return;
        const sent = /proxy-authorization: ([^\r]*)/i.exec(head)?.[1] ?? "none";
        socket.end(`HTTP/1.1 407 you sent ${sent} and ${PASSWORD}\r\nContent-Length: 0\r\n\r\n`);
      });
    });
    try {
      const error = await caught(
        openTunnel("chat.example.com", 443, { proxy: { url: echoing.url }, secure: true, timeout: 5000 }),
      );
      expect(error?.message).toMatch(/: 407 you sent \*\*\* and \*\*\* \(Proxy Authentication Required/);
      expectNoPassword(error);
    } finally {
      await echoing.close();
    }
  });

  it("a proxy that never answers: given up after the timeout, saying so", async () => {
    const silent = await silentProxy();
    try {
      const error = await caught(
        openTunnel("chat.example.com", 443, { proxy: { url: silent.url }, secure: true, timeout: 300 }),
      );
      expect(error).toBeInstanceOf(ProxyTunnelError);
      expect(error?.message).toMatch(/did not open a tunnel to chat\.example\.com:443 within 300 ms/);
      expectNoPassword(error);
    } finally {
      await silent.close();
    }
  });

  it("a proxy that is down: could not reach it, with the system's reason", async () => {
    const error = await caught(
      openTunnel("chat.example.com", 80, {
        proxy: { url: `http://u:${PASSWORD}@127.0.0.1:1` },
        secure: false,
        timeout: 5000,
      }),
    );
    expect(error).toBeInstanceOf(ProxyTunnelError);
    expect(error?.message).toMatch(/^could not reach the proxy http:\/\/\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);
    expectNoPassword(error);
  });

  it("an IPv6 target goes in brackets in the CONNECT request", async () => {
    let head = "";
    const recording = await rawProxy((socket) =>
      socket.on("data", (chunk) => {
        head += String(chunk);
        if (head.includes("\r\n\r\n")) socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      }),
    );
    try {
      const error = await caught(
        openTunnel("::1", 8065, { proxy: { url: recording.url }, secure: false, timeout: 5000 }),
      );
      expect(head).toMatch(/^CONNECT \[::1\]:8065 HTTP\/1\.1\r\n/);
      expect(error?.message).toMatch(/refused a tunnel to \[::1\]:8065: 403 Forbidden \(the proxy does not allow/);
    } finally {
      await recording.close();
    }
  });
});
