/**
 * Issue 10, event stream: `connect()` always settles. A server that is down, never answers the upgrade, sends a
 * broken 101 or never answers the auth check makes it reject within `connectTimeout` (plus slack) with a
 * WebSocketConnectError, after `error` events that say why each attempt failed; an upgrade refused with a status
 * retrying cannot change stops at once; a browser-style socket that never opens while REST answers stops after a
 * few attempts instead of retrying silently forever.
 */
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { AsyncClient, type WebSocketConnectError, type WebSocketOptions } from "../../src/index.js";
import {
  deadPort,
  type HostileServer,
  type Peer,
  startHostileServer,
  type UpgradeMode,
  until,
} from "./helpers/ws-servers.js";

const CONNECT_TIMEOUT = 400;
const SLACK = 1500;

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function attempt(url: string, options: WebSocketOptions = {}) {
  const client = new AsyncClient({ url, auth: { token: "tok" }, timeout: 300, maxRetries: 0 });
  const ws = client.websocket({ connectTimeout: CONNECT_TIMEOUT, initialReconnectDelay: 20, ...options });
  const errors: Error[] = [];
  ws.on("error", (e) => {
    errors.push(e);
  });
  cleanup.push(
    () => client.close(),
    () => ws.close(),
  );
  const started = Date.now();
  const outcome = await ws.connect().then(
    () => undefined,
    (e: unknown) => e as WebSocketConnectError,
  );
  return { ws, errors, outcome, elapsed: Date.now() - started };
}

async function hostile(mode: UpgradeMode): Promise<HostileServer> {
  const server = await startHostileServer(mode);
  cleanup.push(() => server.close());
  return server;
}

describe("connect() settles", () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    ["the server is down", () => deadPort(), /did not open/],
    [
      "the upgrade is never answered",
      async () => (await hostile({ kind: "silent" })).url,
      /no answer to the WebSocket upgrade/,
    ],
    ["the 101 is broken", async () => (await hostile({ kind: "bad101" })).url, /Sec-WebSocket-Accept/],
    [
      "the auth check is never answered",
      async () => (await hostile({ kind: "noAuthReply" })).url,
      /did not answer the WebSocket's auth check/,
    ],
  ];
  for (const [name, url, why] of cases) {
    it(`rejects within connectTimeout when ${name}, with a WebSocketConnectError, and emits error`, async () => {
      const { ws, errors, outcome, elapsed } = await attempt(await url());
      expect(outcome?.name).toBe("WebSocketConnectError");
      expect(outcome?.timeout).toBe(CONNECT_TIMEOUT);
      expect(outcome?.message).toMatch(new RegExp(`within ${CONNECT_TIMEOUT} ms`));
      expect(elapsed).toBeLessThan(CONNECT_TIMEOUT + SLACK);
      expect(errors).toContain(outcome);
      expect(errors.some((e) => why.test(e.message))).toBe(true);
      expect(ws.state).toBe("closed");
    });
  }

  it("connectTimeout and maxFrameSize must be positive numbers", () => {
    const client = new AsyncClient({ url: "http://127.0.0.1:1", auth: { token: "tok" } });
    cleanup.push(() => client.close());
    for (const bad of [{ connectTimeout: 0 }, { connectTimeout: -1 }, { maxFrameSize: Number.NaN }])
      expect(() => client.websocket(bad)).toThrow(/must be a positive number/);
  });

  it("a stream whose connect timed out can connect again later", async () => {
    const server = await hostile({ kind: "silent" });
    const { ws, outcome } = await attempt(server.url);
    expect(outcome?.name).toBe("WebSocketConnectError");
    server.mode = { kind: "script", run: (peer) => peer.hello() };
    await ws.connect();
    expect(ws.state).toBe("open");
  });

  for (const status of [400, 403, 404]) {
    it(`an upgrade refused with ${status} stops at once (one attempt), with the status`, async () => {
      const server = await hostile({ kind: "refuse", status });
      const { ws, outcome, elapsed } = await attempt(server.url, { connectTimeout: 5000 });
      expect(outcome?.name).toBe("WebSocketConnectError");
      expect(outcome?.status).toBe(status);
      expect(outcome?.message).toMatch(new RegExp(`refused the WebSocket upgrade with ${status}`));
      expect(server.upgrades).toBe(1);
      expect(elapsed).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 100));
      expect(server.upgrades).toBe(1); // nothing retries behind the caller's back
      expect(ws.state).toBe("closed");
    });
  }

  it("a 503 at the upgrade is retried until the connect timeout", async () => {
    const server = await hostile({ kind: "refuse", status: 503 });
    const { outcome } = await attempt(server.url);
    expect(outcome?.name).toBe("WebSocketConnectError");
    expect(outcome?.timeout).toBe(CONNECT_TIMEOUT);
    expect(server.upgrades).toBeGreaterThan(1);
  });

  it("a browser-style socket refused (403: a foreign Origin) stops after 3 attempts, not silently", async () => {
    const server = await hostile({ kind: "refuse", status: 403 });
    const Browserish = class extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { Origin: "https://evil.example" } });
      }
    } as unknown as typeof globalThis.WebSocket;
    const { ws, errors, outcome } = await attempt(server.url, { WebSocket: Browserish, connectTimeout: 10_000 });
    expect(outcome?.name).toBe("WebSocketConnectError");
    expect(outcome?.message).toMatch(/answers REST but refused the WebSocket 3 times in a row/);
    expect(server.upgrades).toBe(3);
    expect(errors.length).toBeGreaterThanOrEqual(3); // each failed attempt was reported
    expect(ws.state).toBe("closed");
  });

  it("the same after the stream was open: a browser-style socket refused on every reconnect stops", async () => {
    let first: Peer | undefined;
    const server = await hostile({
      kind: "script",
      run: (peer) => {
        first = peer;
        peer.hello();
      },
    });
    const Browserish = class extends WebSocket {} as unknown as typeof globalThis.WebSocket;
    const client = new AsyncClient({ url: server.url, auth: { token: "tok" }, timeout: 300 });
    const ws = client.websocket({ WebSocket: Browserish, initialReconnectDelay: 10, maxReconnectDelay: 20 });
    cleanup.push(
      () => client.close(),
      () => ws.close(),
    );
    const errors: Error[] = [];
    ws.on("error", (e) => {
      errors.push(e);
    });
    await ws.connect();
    server.mode = { kind: "refuse", status: 403 };
    first?.socket.terminate();
    await until(() => ws.state === "closed", 3000);
    expect(errors.at(-1)?.name).toBe("WebSocketConnectError");
    expect(errors.at(-1)?.message).toMatch(/refused the WebSocket 3 times in a row/);
    expect(server.upgrades).toBe(4);
  });
});
