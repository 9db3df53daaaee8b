/**
 * Issue 10, event stream: closes and re-logins. `close` events carry the server's code and reason; the codes that
 * retrying cannot fix stop the stream with a WebSocketClosedError (one connection, no retry storm), the others are
 * resumed; a hello without a connection_id never leads to a resume with an undefined id; a re-login that fails for a
 * transient reason (503, timeout) is retried with backoff, while a refused password still stops the stream.
 */
import { fork } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import {
  AsyncClient,
  type CloseInfo,
  SyncClient,
  WebSocketAuthError,
  WebSocketClosedError,
  type WebSocketOptions,
} from "../../src/index.js";
import { type HostileServer, type Peer, startHostileServer, until } from "./helpers/ws-servers.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setUp(run: (peer: Peer, connection: number) => void, options: WebSocketOptions = {}, password = false) {
  let connection = 0;
  const server = await startHostileServer({ kind: "script", run: (peer) => run(peer, ++connection) });
  const auth = password ? { loginId: "bot", password: "secret" } : { token: "tok" };
  const client = new AsyncClient({ url: server.url, auth, timeout: 300, maxRetries: 0 });
  const ws = client.websocket({ connectTimeout: 2000, initialReconnectDelay: 10, maxReconnectDelay: 40, ...options });
  const errors: Error[] = [];
  const closes: CloseInfo[] = [];
  ws.on("error", (e) => {
    errors.push(e);
  });
  ws.on("close", (info) => {
    closes.push(info);
  });
  cleanup.push(
    () => server.close(),
    () => client.close(),
    () => ws.close(),
  );
  return { server, client, ws, errors, closes };
}

describe("close codes", () => {
  for (const [code, reason] of [
    [1008, "policy violation"],
    [1003, "unsupported"],
    [4403, "forbidden by the gateway"],
  ] as const) {
    it(`${code} stops the stream with WebSocketClosedError (code and reason), no retry`, async () => {
      const { ws, server, errors, closes } = await setUp((peer) => {
        peer.hello();
        setTimeout(() => peer.close(code, reason), 20);
      });
      await ws.connect();
      await until(() => ws.state === "closed");
      expect(closes).toEqual([{ code, reason }]);
      const last = errors.at(-1) as WebSocketClosedError;
      expect(last).toBeInstanceOf(WebSocketClosedError);
      expect(last.code).toBe(code);
      expect(last.reason).toBe(reason);
      expect(last.message).toContain(reason);
      await new Promise((r) => setTimeout(r, 100));
      expect(server.upgrades).toBe(1);
      await expect(ws.connect()).rejects.toBe(last);
    });
  }

  it("1011 and 1001 are resumed, and the close events say so", async () => {
    const { ws, server, closes, errors } = await setUp((peer, n) => {
      peer.hello();
      if (n === 1) setTimeout(() => peer.close(1011, "internal error"), 20);
      if (n === 2) setTimeout(() => peer.close(1001, "going away"), 20);
    });
    await ws.connect();
    await until(() => server.upgrades === 3 && ws.state === "open");
    expect(closes).toEqual([
      { code: 1011, reason: "internal error" },
      { code: 1001, reason: "going away" },
    ]);
    expect(errors).toEqual([]);
    expect(server.upgradeUrls[1]).toBe("/api/v4/websocket?connection_id=conn1&sequence_number=1");
  });

  it("the client's own 4001 (sequence mismatch) echoed back does not stop the stream", async () => {
    const { ws, server } = await setUp((peer, n) => {
      peer.hello();
      if (n === 1) peer.event("typing", {}, 5); // a gap: the client closes with 4001 and resumes
    });
    await ws.connect();
    await until(() => server.upgrades === 2 && ws.state === "open");
    expect(ws.state).toBe("open");
  });

  it("a hello without connection_id is refused: the resume never asks for connection_id=undefined", async () => {
    const { ws, server, errors } = await setUp((peer, n) => {
      if (n === 1) {
        peer.send(JSON.stringify({ event: "hello", data: { server_version: "10" }, seq: 0 }));
        setTimeout(() => peer.close(1001, "restart"), 20);
      } else peer.hello("conn2");
    });
    await ws.connect();
    await until(() => server.upgrades === 2 && ws.connectionId === "conn2");
    expect(errors.map((e) => e.name)).toEqual(["WebSocketFrameError"]);
    expect(server.upgradeUrls.join(" ")).not.toMatch(/undefined/);
    expect(server.upgradeUrls[1]).toBe("/api/v4/websocket");
  });
});

describe("re-login during a reconnect", () => {
  async function expired(logins: HostileServer["logins"]) {
    const setup = await setUp(
      (peer, n) => {
        peer.hello(`conn${n}`);
        if (n === 1) setTimeout(() => peer.close(1001, "restart"), 20);
      },
      {},
      true,
    );
    await setup.ws.connect();
    // The session expired while away: the next connection's auth check fails, and the logins answer as told.
    setup.server.authFailures = 1;
    setup.server.logins = logins;
    setup.server.loginCalls = 0;
    return setup;
  }

  it("a 503 or a timeout of the login is retried with backoff, then the stream is open again", async () => {
    const { ws, server, errors } = await expired([503, "hang", 502, 200]);
    await until(() => server.loginCalls === 4 && ws.state === "open", 5000);
    expect(errors.some((e) => e instanceof WebSocketAuthError)).toBe(false);
    expect(errors.filter((e) => /log/.test(e.message)).length).toBeGreaterThanOrEqual(3);
    expect(ws.state).toBe("open");
  });

  it("a refused password (401) still stops the stream with WebSocketAuthError", async () => {
    const { ws, server, errors } = await expired([401]);
    await until(() => ws.state === "closed", 5000);
    expect(errors.at(-1)).toBeInstanceOf(WebSocketAuthError);
    expect(server.loginCalls).toBe(1);
    expect(JSON.stringify(errors.map((e) => e.message))).not.toContain("secret");
  });
});

describe("startWsSync", () => {
  it("the SyncClient's worker survives null and `constructor` frames and keeps delivering", async () => {
    // The server must not share the SyncClient's thread: it runs in a child process.
    const child = fork(new URL("./helpers/ws-server-child.ts", import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    cleanup.push(() => child.kill());
    const url = await new Promise<string>((resolve) => child.once("message", (m: { url: string }) => resolve(m.url)));
    const client = new SyncClient({ url, auth: { token: "tok" }, timeout: 2000 });
    cleanup.push(() => client.close());
    const names: string[] = [];
    client.startWsSync(
      (event) => {
        names.push(event.event);
        return event.event !== "typing";
      },
      { timeout: 5000 },
    );
    expect(names).toEqual(["hello", "constructor", "__proto__", "typing"]);
  });
});
