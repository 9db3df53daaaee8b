/** matterapi's WebSocket client against the fake server, over real sockets. */
import selfsigned from "selfsigned";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  type AnyServerEvent,
  AsyncClient,
  type MattermostWebSocket,
  type MissedSignal,
  type ServerEvent,
  WebSocketActionError,
  WebSocketAuthError,
} from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { caught } from "../helpers/caught.js";
import { startProxy } from "../helpers/http-server.js";

let server: TestServer;
let admin: AsyncClient;
const open: MattermostWebSocket[] = [];
const clients: AsyncClient[] = [];

const userClient = (auth: ConstructorParameters<typeof AsyncClient>[0]["auth"] = { token: server.user.token }) => {
  const c = new AsyncClient({ url: server.url, auth });
  clients.push(c);
  return c;
};
const stream = (client: AsyncClient, options: Parameters<AsyncClient["websocket"]>[0] = {}) => {
  const ws = client.websocket({ initialReconnectDelay: 20, maxReconnectDelay: 200, ...options });
  open.push(ws);
  return ws;
};
const post = (message: string, channel = server.channels.general.id) =>
  admin.posts.createPost({ channel_id: channel, message });
const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  server = await createTestServer({ webSocket: { authTimeout: 500 } });
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
});
afterEach(() => {
  server.faults.silenceWebSockets(false);
  server.faults.refuseWebSockets(false);
  // A stream left open would reconnect during the next test (after its faults) and skew its counts.
  for (const ws of open.splice(0)) ws.close();
});
afterAll(async () => {
  for (const ws of open) ws.close();
  await Promise.all([...clients, admin].map((c) => c.close()));
  await server.close();
});

describe("connecting and listening", () => {
  it("connects with the Bearer header, exposes connectionId, serverVersion and state", async () => {
    const ws = stream(userClient());
    const states: string[] = [];
    ws.on("statechange", (s) => states.push(s));
    expect(ws.state).toBe("closed");
    await ws.connect();
    expect(ws.state).toBe("open");
    expect(ws.connectionId).toMatch(/^[a-z0-9]{26}$/);
    expect(ws.serverVersion).toBe("10.11.0");
    ws.close();
    expect(states).toEqual(["connecting", "open", "closed"]);
  });

  it("types and decodes events: posted.data.post is a Post, mentions a string array", async () => {
    const ws = stream(userClient());
    const got: ServerEvent<"posted">[] = [];
    ws.on("posted", (e) => got.push(e));
    await ws.connect();
    const created = await post(`ping @${server.user.username}`);
    await until(() => got.length === 1);
    expect(got[0].data.post).toMatchObject({
      id: created.id,
      message: created.message,
      channel_id: server.channels.general.id,
    });
    expect(got[0].data.mentions).toEqual([server.user.id]);
    expect(got[0].data.channel_name).toBe("general");
    const reaction: ServerEvent<"reaction_added">[] = [];
    ws.on("reaction_added", (e) => reaction.push(e));
    await admin.reactions.saveReaction({
      user_id: server.admin.id,
      post_id: created.id,
      emoji_name: "smile",
      create_at: 0,
    });
    await until(() => reaction.length === 1);
    expect(reaction[0].data.reaction.emoji_name).toBe("smile");
  });

  it("decodes preferences_changed and preferences_deleted into Preference lists, for that user only", async () => {
    const client = userClient();
    const mine = stream(client);
    const admins = stream(admin);
    const changed: ServerEvent<"preferences_changed">[] = [];
    const deleted: ServerEvent<"preferences_deleted">[] = [];
    let adminSaw = 0;
    mine.on("preferences_changed", (e) => changed.push(e));
    mine.on("preferences_deleted", (e) => deleted.push(e));
    admins.on("preferences_changed", () => adminSaw++);
    await Promise.all([mine.connect(), admins.connect()]);
    const preference = {
      user_id: server.user.id,
      category: "display_settings",
      name: "use_military_time",
      value: "true",
    };
    await client.preferences.updatePreferences(server.user.id, [preference]);
    await client.preferences.deletePreferences(server.user.id, [preference]);
    await until(() => changed.length === 1 && deleted.length === 1);
    expect(changed[0].data.preferences).toEqual([preference]);
    expect(deleted[0].data.preferences).toEqual([preference]);
    expect(adminSaw).toBe(0);
  });

  it("delivers an event it does not know as a generic event, never drops it", async () => {
    const ws = stream(userClient());
    const all: AnyServerEvent[] = [];
    ws.on("*", (e) => all.push(e));
    await ws.connect();
    server.publish("com.example.plugin_event", { answer: 42 }, { user_id: server.user.id });
    // A name outside the types is an UnknownServerEvent, whose `event` is typed never: compare it as a string.
    await until(() => all.some((e) => String(e.event) === "com.example.plugin_event"));
    expect(all.find((e) => String(e.event) === "com.example.plugin_event")?.data).toEqual({ answer: 42 });
  });

  it("iterates with for await, stops on an AbortSignal, and off() removes a handler", async () => {
    const controller = new AbortController();
    const ws = stream(userClient(), { signal: controller.signal });
    let handled = 0;
    const handler = () => {
      handled++;
    };
    ws.on("posted", handler);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of ws) {
        if (event.event === "posted") seen.push((event as ServerEvent<"posted">).data.post.message);
        if (seen.length === 2) controller.abort();
      }
    })();
    await ws.connect();
    await post("first");
    await until(() => handled === 1);
    ws.off("posted", handler);
    await post("second");
    await reading;
    expect(seen).toEqual(["first", "second"]);
    expect(handled).toBe(1);
    expect(ws.state).toBe("closed");
  });

  it("startWs calls the handler for each event in order and resolves when the handler stops it", async () => {
    const client = userClient();
    const messages: string[] = [];
    const done = client.startWs(async (event) => {
      if (event.event !== "posted") return;
      messages.push((event as ServerEvent<"posted">).data.post.message);
      if (messages.length === 3) return false;
    });
    await until(() => server.webSockets().open > 0);
    await new Promise((r) => setTimeout(r, 50));
    for (const m of ["a", "b", "c"]) await post(m);
    await done;
    expect(messages).toEqual(["a", "b", "c"]);
  });

  it("a password client's stream uses its login token", async () => {
    const client = userClient({ loginId: server.user.username, password: server.user.password });
    const ws = stream(client);
    await ws.connect();
    expect(client.token).toBeDefined();
    expect(ws.state).toBe("open");
  });

  it("connects by challenge when asked (what browsers do)", async () => {
    const ws = stream(userClient(), { authMode: "challenge" });
    const got: string[] = [];
    ws.on("posted", (e) => got.push(e.data.post.message));
    await ws.connect();
    await post("via challenge");
    await until(() => got.length === 1);
  });

  it("runs the browser path with a browser-style WebSocket: challenge auth, and catch-up instead of resume", async () => {
    const ws = stream(userClient(), { WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, catchUp: true });
    const got: string[] = [];
    const missed: MissedSignal[] = [];
    ws.on("posted", (e) => got.push(e.data.post.message));
    ws.on("missed", (m) => missed.push(m));
    await ws.connect();
    await post("browser one");
    await until(() => got.length === 1);
    server.faults.closeWebSockets(1006);
    await post("browser two");
    // A challenge-authenticated connection cannot resume: the server starts over, the client catches up.
    await until(() => got.includes("browser two"));
    expect(missed).toHaveLength(1);
    expect(got).toEqual(["browser one", "browser two"]);
  });

  it("goes through an HTTP proxy", async () => {
    const proxy = await startProxy();
    const client = new AsyncClient({ url: server.url, auth: { token: server.user.token }, proxy: proxy.url });
    clients.push(client);
    const ws = stream(client);
    await ws.connect();
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    ws.close();
    await proxy.close();
  });
});

describe("actions", () => {
  it("sends typing, reads statuses, reports activity, each answered by its reply", async () => {
    const typist = stream(userClient());
    const watcher = stream(userClient({ token: server.mfaUser.token }));
    const typing: ServerEvent<"typing">[] = [];
    watcher.on("typing", (e) => typing.push(e));
    await Promise.all([typist.connect(), watcher.connect()]);
    await typist.userTyping(server.channels.general.id, "");
    await until(() => typing.length === 1);
    expect(typing[0].data).toEqual({ parent_id: "", user_id: server.user.id });
    await admin.status.updateUserStatus(server.admin.id, { user_id: server.admin.id, status: "away" });
    expect(await typist.getStatusesByIds([server.admin.id])).toEqual({ [server.admin.id]: "away" });
    expect(Object.keys(await typist.getStatuses())).toContain(server.user.id);
    await typist.updateActiveStatus(true);
    expect(await typist.send("ping")).toMatchObject({ text: "pong" });
  });

  it("a FAIL reply rejects with the server's error; no reply rejects after the timeout", async () => {
    const ws = stream(userClient(), { actionTimeout: 200 });
    await ws.connect();
    const error = await caught(ws.userTyping("not-a-channel-i-am-in-xxxx"));
    expect(error).toBeInstanceOf(WebSocketActionError);
    expect(error.error.id).toBe("api.websocket_handler.invalid_param.app_error");
    server.faults.silenceWebSockets(true);
    expect((await caught(ws.getStatuses())).message).toMatch(/no reply within 200 ms/);
  });
});

describe("reliability", () => {
  it("1,000 posts with the connection dropped 20 times at random points arrive once each, in order", async () => {
    const ws = stream(userClient());
    const ids: string[] = [];
    let missed = 0;
    ws.on("posted", (e) => ids.push(e.data.post.id));
    ws.on("missed", () => missed++);
    await ws.connect();
    const connectionId = ws.connectionId;
    const drops = new Set<number>();
    while (drops.size < 20) drops.add(1 + Math.floor(Math.random() * 998));
    const created: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (drops.has(i)) server.faults.closeWebSockets(1006);
      created.push((await post(`reliable ${i}`)).id);
    }
    await until(() => ids.length >= 1000, 20_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toEqual(created);
    expect(missed).toBe(0);
    expect(ws.connectionId).toBe(connectionId); // every reconnect resumed the same connection
    expect(server.stats.webSockets).toBeGreaterThan(20);
  });

  it("a drop longer than the replay window gives the missed signal; with catch-up, all 1,000 posts arrive", async () => {
    const ws = stream(userClient(), { catchUp: true });
    const ids: string[] = [];
    const recovered: string[] = [];
    const signals: MissedSignal[] = [];
    ws.on("posted", (e) => {
      ids.push(e.data.post.id);
      if (e.recovered) recovered.push(e.data.post.id);
    });
    ws.on("missed", (s) => signals.push(s));
    await ws.connect();
    const created: string[] = [];
    for (let i = 0; i < 200; i++) created.push((await post(`before ${i}`)).id);
    await until(() => ids.length === 200);
    // The client is cut off and cannot come back while 600 posts are made (more than the 256 the server queues).
    server.faults.refuseWebSockets(true);
    server.faults.closeWebSockets(1006);
    for (let i = 0; i < 600; i++) created.push((await post(`during ${i}`)).id);
    server.faults.refuseWebSockets(false);
    await until(() => signals.length === 1);
    for (let i = 0; i < 200; i++) created.push((await post(`after ${i}`)).id);
    await until(() => ids.length >= 1000, 20_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(signals[0].since).toBeGreaterThan(0);
    expect(signals[0].until).toBeGreaterThanOrEqual(signals[0].since);
    expect(signals[0].previousConnectionId).not.toBe(signals[0].connectionId);
    // Every post of the gap is recovered; a live post made while the catch-up ran may come recovered too (the
    // first copy to arrive is delivered, the other dropped by id).
    const during = created.slice(200, 800);
    expect(during.every((id) => recovered.includes(id))).toBe(true);
    expect(recovered.every((id) => created.indexOf(id) >= 200)).toBe(true);
    expect(ids).toEqual(created);
  });

  it("without catch-up the missed signal still tells what window was lost", async () => {
    const ws = stream(userClient());
    const signals: MissedSignal[] = [];
    ws.on("missed", (s) => signals.push(s));
    await ws.connect();
    const before = Date.now();
    server.faults.forgetConnections();
    await until(() => signals.length === 1);
    expect(signals[0].until).toBeGreaterThanOrEqual(before);
  });

  it("a bad token ends with the auth error and no retry storm", async () => {
    const before = server.stats.webSockets;
    const ws = stream(userClient({ token: "not-a-valid-token" }));
    const errors: Error[] = [];
    ws.on("error", (e) => errors.push(e));
    const error = await caught(ws.connect());
    expect(error).toBeInstanceOf(WebSocketAuthError);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.stats.webSockets - before).toBe(1);
    expect(ws.state).toBe("closed");
    expect(errors.map((e) => e.name)).toEqual(["WebSocketAuthError"]);
    expect(error.message).not.toContain("not-a-valid-token");
  });

  it("a silent server is detected and the client reconnects, losing nothing", async () => {
    const ws = stream(userClient(), { pingInterval: 150, pongTimeout: 200 });
    const ids: string[] = [];
    ws.on("posted", (e) => ids.push(e.data.post.id));
    const states: string[] = [];
    ws.on("statechange", (s) => states.push(s));
    await ws.connect();
    server.faults.silenceWebSockets(true);
    const during = await post("into the void");
    await until(() => states.includes("reconnecting"), 5_000);
    server.faults.silenceWebSockets(false);
    await until(() => ids.includes(during.id) && ws.state === "open", 5_000);
    expect(ws.state).toBe("open");
    expect(ids).toEqual([during.id]);
  });

  it("a password client whose session expired logs in again and reconnects", async () => {
    const client = userClient({ loginId: server.user.username, password: server.user.password });
    const ws = stream(client, { pingInterval: 100, pongTimeout: 500 });
    const got: string[] = [];
    ws.on("posted", (e) => got.push(e.data.post.message));
    await ws.connect();
    const firstToken = client.token;
    const logins = server.stats.logins;
    server.faults.expireSession(firstToken);
    await until(() => client.token !== undefined && client.token !== firstToken, 5_000);
    await until(() => ws.state === "open");
    await post("after re-login");
    await until(() => got.includes("after re-login"), 5_000);
    expect(server.stats.logins - logins).toBe(1);
  });

  it("a token client whose token is revoked stops with the auth error", async () => {
    const login = userClient({ loginId: server.user.username, password: server.user.password });
    const token = (await login.login()) ?? "";
    const ws = stream(userClient({ token }), { pingInterval: 100, pongTimeout: 500 });
    const errors: Error[] = [];
    ws.on("error", (e) => errors.push(e));
    await ws.connect();
    server.faults.expireSession(token);
    await until(() => ws.state === "closed", 5_000);
    expect(errors[0]).toBeInstanceOf(WebSocketAuthError);
  });
});

describe("TLS", () => {
  it("uses the REST client's TLS options for wss://, and stops on a certificate it does not trust", async () => {
    const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const secure = await createTestServer({ tls: { key: pems.private, cert: pems.cert } });
    try {
      expect(secure.url).toMatch(/^https:/);
      const trusting = new AsyncClient({ url: secure.url, auth: { token: secure.user.token }, tls: { ca: pems.cert } });
      const ws = trusting.websocket();
      await ws.connect();
      expect(ws.state).toBe("open");
      ws.close();
      await trusting.close();

      const doubting = new AsyncClient({ url: secure.url, auth: { token: secure.user.token }, maxRetries: 0 });
      const stream = doubting.websocket({ initialReconnectDelay: 20 });
      const error = await caught(stream.connect());
      expect(error.message).toMatch(/TLS handshake failed: .*certificate/i);
      expect(stream.state).toBe("closed");
      await doubting.close();
    } finally {
      await secure.close();
    }
  });
});
