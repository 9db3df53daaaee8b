/**
 * The fake server's event stream at the protocol level, with a plain `ws` client: what a real client sees
 * (WEBSOCKET.md), independent of matterapi's own WebSocket client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

// biome-ignore lint/suspicious/noExplicitAny: raw protocol messages.
type Message = Record<string, any>;

class RawSocket {
  readonly messages: Message[] = [];
  readonly pings: number[] = [];
  closed: { code: number } | undefined;
  readonly #waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(String(data)));
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on("ping", () => this.pings.push(Date.now()));
    ws.on("close", (code) => {
      this.closed = { code };
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}, autoPong = true): Promise<RawSocket> {
    const ws = new WebSocket(url, { headers, autoPong });
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return socket;
  }

  /** Waits until `predicate` holds for the messages received so far. */
  async until(predicate: (messages: Message[]) => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.messages)) {
      if (this.closed && !predicate(this.messages)) throw new Error(`closed (${this.closed.code}) while waiting`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  events(name?: string): Message[] {
    return this.messages.filter((m) => m.event && (!name || m.event === name));
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  async closeAndWait(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((r) => this.ws.once("close", () => r()));
    this.ws.close();
    await done;
  }
}

let server: TestServer;
let wsUrl: string;
const sockets: RawSocket[] = [];
const open = async (headers: Record<string, string> = {}, query = "", autoPong = true) => {
  const socket = await RawSocket.open(`${wsUrl}${query}`, headers, autoPong);
  sockets.push(socket);
  return socket;
};
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
let admin: AsyncClient;
const post = (message: string) => admin.posts.createPost({ channel_id: server.channels.general.id, message });

beforeAll(async () => {
  server = await createTestServer({ webSocket: { authTimeout: 300, pingInterval: 100, pongTimeout: 1000 } });
  wsUrl = `${server.url.replace("http", "ws")}/api/v4/websocket`;
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await admin.close();
  await server.close();
});

describe("connecting", () => {
  it("authenticates at the upgrade and says hello with a connection id, seq 0", async () => {
    const s = await open(bearer(server.user.token));
    await s.until((m) => m.length >= 1);
    const [hello] = s.messages;
    expect(hello).toMatchObject({ event: "hello", seq: 0, broadcast: { user_id: server.user.id } });
    expect(hello.data.server_version).toBe("10.11.0");
    expect(hello.data.connection_id).toMatch(/^[a-z0-9]{26}$/);
  });

  it("authenticates by challenge: hello first, then the OK reply", async () => {
    const s = await open();
    s.send({ seq: 1, action: "authentication_challenge", data: { token: server.user.token } });
    await s.until((m) => m.length >= 2);
    expect(s.messages[0]).toMatchObject({ event: "hello", seq: 0 });
    expect(s.messages[1]).toEqual({ status: "OK", seq_reply: 1 });
  });

  it("refuses actions before authentication", async () => {
    const s = await open();
    s.send({ seq: 1, action: "get_statuses" });
    await s.until((m) => m.length >= 1);
    expect(s.messages[0]).toMatchObject({
      status: "FAIL",
      seq_reply: 1,
      error: { id: "api.web_socket_router.not_authenticated.app_error", status_code: 401 },
    });
  });

  it("a bad token at the upgrade leaves the socket unauthenticated until the auth timer closes it", async () => {
    const s = await open(bearer("not-a-token"));
    await new Promise((r) => setTimeout(r, 600));
    expect(s.messages).toEqual([]);
    expect(s.closed?.code).toBe(1006);
  });

  it("a bad challenge token closes the socket at once, without a reply", async () => {
    const s = await open();
    s.send({ seq: 1, action: "authentication_challenge", data: { token: "nope" } });
    await new Promise((r) => setTimeout(r, 150));
    expect(s.closed?.code).toBe(1006);
    expect(s.messages).toEqual([]);
  });

  it("a malformed connection_id or sequence_number is closed right after the upgrade", async () => {
    const s = await open(bearer(server.user.token), "?connection_id=short&sequence_number=1");
    await new Promise((r) => setTimeout(r, 100));
    expect(s.closed?.code).toBe(1006);
  });
});

describe("events and actions", () => {
  it("delivers posted with the post JSON-encoded, and mentions only to the mentioned user", async () => {
    const user = await open(bearer(server.user.token));
    const other = await open(bearer(server.mfaUser.token));
    await Promise.all([user.until((m) => m.length >= 1), other.until((m) => m.length >= 1)]);
    const created = await post(`hello @${server.user.username}`);
    await Promise.all([
      user.until(() => user.events("posted").length >= 1),
      other.until(() => other.events("posted").length >= 1),
    ]);
    const [event] = user.events("posted");
    expect(event.seq).toBe(1);
    expect(event.broadcast.channel_id).toBe(server.channels.general.id);
    expect(typeof event.data.post).toBe("string");
    expect(JSON.parse(event.data.post)).toMatchObject({ id: created.id, message: created.message });
    expect(event.data).toMatchObject({
      channel_name: "general",
      channel_type: "O",
      sender_name: `@${server.admin.username}`,
    });
    expect(JSON.parse(event.data.mentions)).toEqual([server.user.id]);
    expect(other.events("posted")[0].data.mentions).toBeUndefined();
  });

  it("post_edited, post_deleted and reactions follow, with seq counting per connection", async () => {
    const s = await open(bearer(server.user.token));
    await s.until((m) => m.length >= 1);
    const p = await post("to change");
    await admin.posts.patchPost(p.id, { message: "changed" });
    await admin.reactions.saveReaction({ user_id: server.admin.id, post_id: p.id, emoji_name: "+1", create_at: 0 });
    await admin.reactions.deleteReaction(server.admin.id, p.id, "+1");
    await admin.posts.deletePost(p.id);
    await s.until(() => s.events().length >= 6);
    expect(s.events().map((e) => [e.event, e.seq])).toEqual([
      ["hello", 0],
      ["posted", 1],
      ["post_edited", 2],
      ["reaction_added", 3],
      ["reaction_removed", 4],
      ["post_deleted", 5],
    ]);
    expect(JSON.parse(s.events("post_edited")[0].data.post).message).toBe("changed");
    expect(JSON.parse(s.events("reaction_added")[0].data.reaction).emoji_name).toBe("+1");
    expect(s.events("post_deleted")[0].data.delete_by).toBeUndefined(); // only admins see who deleted
  });

  it("user_typing reaches the other members as typing, not the sender; replies match seq", async () => {
    const typist = await open(bearer(server.user.token));
    const watcher = await open(bearer(server.mfaUser.token));
    await Promise.all([typist.until((m) => m.length >= 1), watcher.until((m) => m.length >= 1)]);
    typist.send({ seq: 7, action: "user_typing", data: { channel_id: server.channels.general.id, parent_id: "" } });
    await typist.until((m) => m.some((x) => x.seq_reply === 7));
    await watcher.until(() => watcher.events("typing").length >= 1);
    expect(watcher.events("typing")[0]).toMatchObject({
      data: { user_id: server.user.id, parent_id: "" },
      broadcast: { channel_id: server.channels.general.id, omit_users: { [server.user.id]: true } },
    });
    expect(typist.events("typing")).toEqual([]);
  });

  it("answers get_statuses, get_statuses_by_ids, ping and refuses a bad seq", async () => {
    const s = await open(bearer(server.user.token));
    await s.until((m) => m.length >= 1);
    s.send({ seq: 1, action: "get_statuses_by_ids", data: { user_ids: [server.admin.id] } });
    s.send({ seq: 2, action: "ping" });
    s.send({ seq: 0, action: "ping" });
    s.send({ seq: 3, action: "no_such_action" });
    await s.until((m) => m.filter((x) => x.status).length >= 4);
    const replies = s.messages.filter((x) => x.status);
    expect(replies[0]).toEqual({ status: "OK", seq_reply: 1, data: { [server.admin.id]: "offline" } });
    expect(replies[1]).toMatchObject({ status: "OK", seq_reply: 2, data: { text: "pong", version: "10.11.0" } });
    expect(replies[2]).toMatchObject({ status: "FAIL", error: { id: "api.web_socket_router.bad_seq.app_error" } });
    expect(replies[2].seq_reply).toBeUndefined();
    expect(replies[3]).toMatchObject({
      status: "FAIL",
      seq_reply: 3,
      error: { id: "api.web_socket_router.no_action.app_error" },
    });
  });

  it("an expired session gets no more events, but its socket stays open", async () => {
    const login = new AsyncClient({
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password },
    });
    const token = (await login.login()) ?? "";
    const s = await open(bearer(token));
    await s.until((m) => m.length >= 1);
    server.faults.expireSession(token);
    await post("after expiry");
    await new Promise((r) => setTimeout(r, 200));
    expect(s.events("posted")).toEqual([]);
    expect(s.closed).toBeUndefined();
    await login.close();
  });
});

describe("resume", () => {
  async function connected(query = "") {
    const s = await open(bearer(server.user.token), query);
    await s.until((m) => m.length >= 1);
    return s;
  }

  it("replays what was sent and missed, then what waited, with no new hello", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    await post("one");
    await post("two");
    await first.until(() => first.events("posted").length >= 2);
    await first.closeAndWait();
    await post("three");
    await post("four");
    // The client had seq 0..2; it asks again from 2 (as if it had lost the second post).
    const second = await connected(`?connection_id=${id}&sequence_number=2`);
    await second.until((m) => m.length >= 3);
    expect(second.events().map((e) => [e.event, e.seq, JSON.parse(e.data.post ?? "{}").message])).toEqual([
      ["posted", 2, "two"],
      ["posted", 3, "three"],
      ["posted", 4, "four"],
    ]);
  });

  it("nothing missed: no hello, the stream goes on from the next seq", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    await first.closeAndWait();
    const second = await open(bearer(server.user.token), `?connection_id=${id}&sequence_number=1`);
    await post("next");
    await second.until(() => second.events().length >= 1);
    expect(second.events()[0]).toMatchObject({ event: "posted", seq: 1 });
    expect(second.events("hello")).toEqual([]);
  });

  it("a resume while the old socket is still open does not match: new connection id and hello", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    const second = await connected(`?connection_id=${id}&sequence_number=1`);
    expect(second.messages[0]).toMatchObject({ event: "hello" });
    expect(second.messages[0].data.connection_id).not.toBe(id);
  });

  it("events older than the 128-event replay window are lost: a new hello with a new connection id", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    for (let i = 0; i < 140; i++) await post(`burst ${i}`);
    await first.until(() => first.events("posted").length >= 140);
    await first.closeAndWait();
    // seq 1 fell out of the dead queue (it keeps 13..140): new hello.
    const lost = await connected(`?connection_id=${id}&sequence_number=1`);
    expect(lost.messages[0]).toMatchObject({ event: "hello", seq: 0 });
    expect(lost.messages[0].data.connection_id).not.toBe(id);
  });

  it("inside the window the missed events are replayed", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    for (let i = 0; i < 140; i++) await post(`window ${i}`);
    await first.until(() => first.events("posted").length >= 140);
    await first.closeAndWait();
    const resumed = await open(bearer(server.user.token), `?connection_id=${id}&sequence_number=100`);
    await resumed.until((m) => m.length >= 41);
    expect(resumed.events().map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => 100 + i));
  });

  it("after the server forgets its connections (a restart), a resume gets a new hello", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    server.faults.forgetConnections();
    await first.until(() => Boolean(first.closed));
    const again = await connected(`?connection_id=${id}&sequence_number=1`);
    expect(again.messages[0]).toMatchObject({ event: "hello" });
    expect(again.messages[0].data.connection_id).not.toBe(id);
  });

  it("a send queue that overflows while away (over 256 events) loses the connection", async () => {
    const first = await connected();
    const id = first.messages[0].data.connection_id;
    await first.closeAndWait();
    for (let i = 0; i < 260; i++) await post(`flood ${i}`);
    const again = await connected(`?connection_id=${id}&sequence_number=1`);
    expect(again.messages[0]).toMatchObject({ event: "hello" });
  });
});

describe("keepalive", () => {
  it("sends ping frames and closes a socket that never answers them", async () => {
    const s = await open(bearer(server.user.token), "", false);
    await new Promise((r) => setTimeout(r, 1300));
    expect(s.pings.length).toBeGreaterThanOrEqual(3);
    expect(s.closed?.code).toBe(1006);
  });

  it("goes silent on request: no pings, no pongs, no replies", async () => {
    const s = await open(bearer(server.user.token));
    await s.until((m) => m.length >= 1);
    server.faults.silenceWebSockets(true);
    const pingsBefore = s.pings.length;
    let pong = false;
    s.ws.on("pong", () => {
      pong = true;
    });
    s.ws.ping();
    s.send({ seq: 1, action: "ping" });
    await new Promise((r) => setTimeout(r, 400));
    server.faults.silenceWebSockets(false);
    expect(s.pings.length).toBe(pingsBefore);
    expect(pong).toBe(false);
    expect(s.messages.filter((m) => m.status)).toEqual([]);
  });

  it("closes every socket with a given code on request", async () => {
    const s = await open(bearer(server.user.token));
    await s.until((m) => m.length >= 1);
    server.faults.closeWebSockets(4000);
    await s.until(() => Boolean(s.closed)).catch(() => {});
    expect(s.closed?.code).toBe(4000);
  });
});
