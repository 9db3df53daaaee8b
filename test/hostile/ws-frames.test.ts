/**
 * Issue 10, event stream: frames a hostile server (or a man in the middle on ws://) sends never crash the client.
 * Each malformed frame reaches `error` as a WebSocketFrameError and the next good event is still delivered; handler
 * failures (sync or async) reach `error`; oversized frames are reported; oversized actions are refused before
 * anything is sent. An uncaught exception or unhandled rejection would fail the run (vitest reports them).
 */
import { afterEach, describe, expect, it } from "vitest";
import { type AnyServerEvent, AsyncClient, UsageError, WebSocketFrameError } from "../../src/index.js";
import { type Peer, startHostileServer, until } from "./helpers/ws-servers.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function streamFrom(run: (peer: Peer) => void, options: Parameters<AsyncClient["websocket"]>[0] = {}) {
  const server = await startHostileServer({ kind: "script", run });
  const client = new AsyncClient({ url: server.url, auth: { token: "tok" }, timeout: 1000 });
  const ws = client.websocket({ connectTimeout: 2000, initialReconnectDelay: 10, ...options });
  const errors: Error[] = [];
  const events: AnyServerEvent[] = [];
  ws.on("error", (e) => {
    errors.push(e);
  });
  ws.on("*", (e) => {
    events.push(e);
  });
  cleanup.push(
    () => server.close(),
    () => client.close(),
    () => ws.close(),
  );
  return { server, client, ws, errors, events };
}

const HOSTILE_FRAMES = [
  "null",
  "42",
  '"text"',
  "[]",
  "[1,2]",
  "true",
  "{not json",
  "",
  '{"event":42}',
  '{"event":"posted","data":5}',
  '{"event":"posted","data":"x","broadcast":1}',
  '{"event":"posted","broadcast":"x"}',
  '{"event":"posted","seq":"1"}',
  '{"event":"hello","data":{"server_version":"1"}}',
  '{"event":"hello","data":{"connection_id":7}}',
  '{"status":"OK","seq_reply":"x","error":"boom"}',
];

describe("hostile frames", () => {
  it("null, non-objects, bad fields and a hello without connection_id reach `error`; the stream goes on", async () => {
    const { ws, errors, events } = await streamFrom((peer) => {
      peer.hello("conn1");
      for (const frame of HOSTILE_FRAMES) peer.send(frame);
      peer.event("typing", { user_id: "u2", parent_id: "" }, 1);
    });
    await ws.connect();
    await until(() => events.some((e) => e.event === "typing"));
    // Every frame but the reply with a bad seq_reply (a reply for nobody: ignored, as replies for no action are)
    expect(errors.length).toBe(HOSTILE_FRAMES.length - 1);
    for (const error of errors) expect(error).toBeInstanceOf(WebSocketFrameError);
    expect(errors.some((e) => /hello without a connection_id/.test(e.message))).toBe(true);
    expect(ws.connectionId).toBe("conn1");
    expect(ws.state).toBe("open");
  });

  it("events named constructor, toString, __proto__, hasOwnProperty or like a lifecycle event are plain events", async () => {
    const names = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "error", "statechange"];
    const { ws, errors, events } = await streamFrom((peer) => {
      peer.hello();
      names.forEach((name, i) => {
        peer.event(name, { post: "{}" }, i + 1);
      });
      // An own __proto__ key in the JSON text (JSON.parse keeps it as data)
      peer.send('{"event":"__proto__","data":{"__proto__":{"polluted":true}},"seq":8}');
    });
    const lifecycle: unknown[] = [];
    ws.on("statechange", (s) => {
      lifecycle.push(s);
    });
    await ws.connect();
    await until(() => events.length === names.length + 2);
    expect(events.map((e) => e.event)).toEqual(["hello", ...names, "__proto__"]);
    expect(errors).toEqual([]); // the server's `error` event reached `*` only, not the error listeners
    expect(lifecycle).toEqual(["connecting", "open"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a handler that throws or an async handler that rejects reaches `error`; later events still arrive", async () => {
    const { ws, errors, events } = await streamFrom((peer) => {
      peer.hello();
      peer.event("typing", {}, 1);
      peer.event("typing", {}, 2);
    });
    ws.on("typing", async () => {
      throw new Error("async boom");
    });
    ws.on("typing", () => {
      throw new Error("sync boom");
    });
    ws.on("statechange", async () => {
      throw new Error("lifecycle boom");
    });
    await ws.connect();
    await until(() => events.length === 3 && errors.length >= 5);
    const messages = errors.map((e) => e.message);
    expect(messages.filter((m) => m === "async boom")).toHaveLength(2);
    expect(messages.filter((m) => m === "sync boom")).toHaveLength(2);
    expect(messages).toContain("lifecycle boom");
  });

  it("an error listener that rejects is contained", async () => {
    const { ws } = await streamFrom((peer) => {
      peer.hello();
      peer.send("null");
      peer.event("typing", {}, 1);
    });
    let seen = 0;
    ws.on("error", async () => {
      seen++;
      throw new Error("the error listener fails too");
    });
    await ws.connect();
    await until(() => seen === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(ws.state).toBe("open");
  });

  it("a frame over maxFrameSize is reported, not dropped silently, and the stream resumes", async () => {
    let connections = 0;
    const { ws, errors, events, server } = await streamFrom(
      (peer) => {
        connections++;
        peer.hello("conn1");
        if (connections === 1) peer.event("posted", { post: "x".repeat(5000) }, 1);
        else peer.event("typing", {}, 1);
      },
      { maxFrameSize: 4096 },
    );
    await ws.connect();
    await until(() => events.some((e) => e.event === "typing"));
    const frameErrors = errors.filter((e) => e instanceof WebSocketFrameError);
    expect(frameErrors).toHaveLength(1);
    expect(frameErrors[0]?.message).toMatch(/maxFrameSize \(4096 bytes\)/);
    expect(server.upgradeUrls[1]).toBe("/api/v4/websocket?connection_id=conn1&sequence_number=1");
  });

  it("an action over the server's 8 KB read limit is refused before sending; one under it goes", async () => {
    const { ws, server } = await streamFrom((peer) => peer.hello());
    await ws.connect();
    const sizesBefore = server.frameSizes.length;
    const error = await ws.send("get_statuses_by_ids", { user_ids: ["é".repeat(5000)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/over the server's limit of 8192/);
    expect(server.frameSizes.length).toBe(sizesBefore); // nothing was sent
    expect(ws.state).toBe("open");
    await ws.send("ping", { pad: "a".repeat(8000) }); // 8,0xx bytes: under the limit, answered
    expect(Math.max(...server.frameSizes)).toBeLessThanOrEqual(8192);
  });

  it("data that cannot be JSON is refused with a UsageError, not thrown from inside", async () => {
    const { ws } = await streamFrom((peer) => peer.hello());
    await ws.connect();
    await expect(ws.send("x", { n: 1n })).rejects.toBeInstanceOf(UsageError);
  });
});
