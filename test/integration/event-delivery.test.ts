/**
 * Event delivery a bot can rely on: after every kind of loss the fake server can stage (a restart that forgets the
 * replay window, posts in one millisecond, more than the server's 1,000-post `since` cap, a second loss during a
 * catch-up, an expired session), each post arrives exactly once, in creation order per channel.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { AsyncClient, type MattermostWebSocket, type MissedSignal, type Post } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

let server: TestServer;
let admin: AsyncClient;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  server = await createTestServer();
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  server.faults.clear();
  server.faults.refuseWebSockets(false);
  server.faults.freezeClock(false);
});
afterAll(async () => {
  await admin.close();
  await server.close();
});

const until = async (check: () => boolean, ms = 20_000, what = "condition") => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A user's stream with catch-up, recording every post delivered (live or recovered). */
async function watcher(auth: ConstructorParameters<typeof AsyncClient>[0]["auth"] = { token: server.user.token }) {
  const client = new AsyncClient({ url: server.url, auth });
  const ws = client.websocket({ catchUp: true, initialReconnectDelay: 20, maxReconnectDelay: 100 });
  const posts: Post[] = [];
  const missed: MissedSignal[] = [];
  const errors: Error[] = [];
  ws.on("posted", (event) => {
    posts.push(event.data.post);
  });
  ws.on("missed", (signal) => missed.push(signal));
  ws.on("error", (error) => errors.push(error));
  cleanups.push(async () => {
    ws.close();
    await client.close();
  });
  await ws.connect();
  return { client, ws, posts, missed, errors };
}

const post = (message: string, channelId = server.channels.general.id) =>
  admin.posts.createPost({ channel_id: channelId, message });

/** Stages a restart that loses the replay window: the stream stays away until `back()`. */
async function takeDown(ws: MattermostWebSocket) {
  server.faults.refuseWebSockets(true);
  server.faults.forgetConnections();
  await until(() => ws.state !== "open", 5_000, "the stream to notice");
  return () => server.faults.refuseWebSockets(false);
}

/** Each expected id once, and per channel in creation order. */
function expectOnceInOrder(delivered: Post[], expected: Post[]) {
  const ids = delivered.map((p) => p.id);
  const wanted = new Set(expected.map((p) => p.id));
  const got = ids.filter((id) => wanted.has(id));
  expect(new Set(got).size, "each post once").toBe(got.length);
  expect(got.length, "every post").toBe(wanted.size);
  expect(ids.length, "no post delivered twice").toBe(new Set(ids).size);
  const byChannel = new Map<string, number[]>();
  for (const p of delivered) byChannel.set(p.channel_id, [...(byChannel.get(p.channel_id) ?? []), p.create_at]);
  for (const [channel, times] of byChannel)
    expect(
      times.every((t, i) => i === 0 || (times[i - 1] as number) <= t),
      `creation order in ${channel}`,
    ).toBe(true);
}

describe("catch-up after a loss", () => {
  it("delivers posts made in the same millisecond as the newest post seen, in every channel", async () => {
    const w = await watcher();
    server.faults.freezeClock(true);
    const seen = await post("seen live");
    await until(() => w.posts.some((p) => p.id === seen.id), 5_000, "the live post");
    const back = await takeDown(w.ws);
    const lost = [
      await post("same ms, same channel"),
      await post("same ms, other channel", server.channels.offTopic.id),
      await post("same ms, third channel", server.channels.townSquare.id),
    ];
    expect(lost.every((p) => p.create_at === seen.create_at)).toBe(true);
    server.faults.freezeClock(false);
    back();
    await until(() => w.missed.length === 1 && lost.every((p) => w.posts.some((q) => q.id === p.id)));
    expectOnceInOrder(w.posts, [seen, ...lost]);
  });

  it("delivers a 1,100-post gap in one channel (more than the server's `since` cap)", async () => {
    const w = await watcher();
    const first = await post("before the gap");
    await until(() => w.posts.some((p) => p.id === first.id), 5_000, "the live post");
    const back = await takeDown(w.ws);
    const lost: unknown[] = [];
    // Made straight in the store (as posts made while the bot was away): 1,100 REST calls would only be slower.
    for (let i = 0; i < 1100; i++)
      lost.push(
        server.store.createPost({ user_id: server.admin.id, channel_id: server.channels.general.id, message: `#${i}` }),
      );
    back();
    await until(() => w.posts.length >= 1101, 60_000, "1,100 recovered posts");
    expectOnceInOrder(w.posts, [first, ...(lost as unknown as Post[])]);
    expect(w.errors).toEqual([]);
  }, 90_000);

  it("keeps order and delivers once when a second loss comes during a catch-up", async () => {
    const w = await watcher();
    const expected: Post[] = [await post("live 1")];
    await until(() => w.posts.length === 1, 5_000, "the first post");
    let back = await takeDown(w.ws);
    for (let i = 0; i < 5; i++)
      expected.push(await post(`gap one #${i}`, i % 2 ? server.channels.offTopic.id : undefined));
    // The catch-up's channel reads are slow, so that live posts and a second loss land while it runs.
    server.faults.next(6, { delay: 300 }, { method: "GET", path: /\/channels\/[^/]+\/posts$/ });
    back();
    await until(() => w.missed.length === 1, 10_000, "the first loss");
    for (let i = 0; i < 4; i++) expected.push(await post(`live during catch-up #${i}`));
    back = await takeDown(w.ws);
    for (let i = 0; i < 5; i++)
      expected.push(await post(`gap two #${i}`, i % 2 ? server.channels.offTopic.id : undefined));
    back();
    await until(() => expected.every((p) => w.posts.some((q) => q.id === p.id)), 30_000, "every post");
    await new Promise((r) => setTimeout(r, 200)); // a late duplicate would show now
    expectOnceInOrder(w.posts, expected);
    expect(w.missed.length).toBe(2);
  });

  it("does not deliver an edit or a deletion of an older post as a new post", async () => {
    const older = await post("older");
    const doomed = await post("doomed");
    const w = await watcher();
    const seen = await post("seen live");
    await until(() => w.posts.some((p) => p.id === seen.id), 5_000, "the live post");
    const back = await takeDown(w.ws);
    await admin.posts.patchPost(older.id, { message: "older, edited" });
    await admin.posts.deletePost(doomed.id);
    const fresh = await post("made in the gap");
    back();
    await until(() => w.posts.some((p) => p.id === fresh.id), 20_000, "the new post");
    await new Promise((r) => setTimeout(r, 200));
    const ids = w.posts.map((p) => p.id);
    expect(ids).not.toContain(older.id);
    expect(ids).not.toContain(doomed.id);
    expectOnceInOrder(w.posts, [seen, fresh]);
  });
});

describe("an expired session", () => {
  it("counts as a loss: the posts made meanwhile are caught up after one new login", async () => {
    const w = await watcher({ loginId: server.user.username, password: server.user.password });
    const live = await post("before expiry");
    await until(() => w.posts.some((p) => p.id === live.id), 5_000, "the live post");
    const logins = server.stats.logins;
    const token = w.client.token;
    server.faults.expireSession(token);
    // The server drops these (the session is invalid) until the client notices and logs in again.
    const dropped: Post[] = [];
    for (let i = 0; i < 5; i++) dropped.push(await post(`while expired #${i}`));
    // A REST call is what notices here (the stream's keepalive would, later).
    await w.client.users.getUser("me");
    await until(() => dropped.every((p) => w.posts.some((q) => q.id === p.id)), 20_000, "the dropped posts");
    expectOnceInOrder(w.posts, [live, ...dropped]);
    expect(w.missed.length).toBe(1);
    expect(server.stats.logins - logins).toBe(1);
  });
});

describe("an expired session found by the stream itself", () => {
  it("right after connecting: one login, the dropped posts caught up, no session left unused", async () => {
    const client = new AsyncClient({
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password },
    });
    const ws = client.websocket({ catchUp: true, initialReconnectDelay: 20, pingInterval: 100, pongTimeout: 1000 });
    const posts: Post[] = [];
    ws.on("posted", (event) => {
      posts.push(event.data.post);
    });
    cleanups.push(async () => {
      ws.close();
      await client.close();
    });
    const logins = server.stats.logins;
    await ws.connect();
    const first = client.token;
    server.faults.expireSession(first);
    const dropped: Post[] = [];
    for (let i = 0; i < 5; i++) dropped.push(await post(`expired at once #${i}`));
    await until(() => dropped.every((p) => posts.some((q) => q.id === p.id)), 20_000, "the dropped posts");
    expectOnceInOrder(posts, dropped);
    expect(server.stats.logins - logins, "one login to connect, one after the expiry").toBe(2);
    const mine = [...server.store.sessions.values()].filter(
      (s) => s.user_id === server.user.id && s.expires_at > Date.now(),
    );
    expect(mine.filter((s) => s.token !== client.token && s.token !== server.user.token)).toEqual([]);
  });
});

describe("the fake server's upgrade", () => {
  it("treats an empty connection_id as a new connection, as the server does", async () => {
    const socket = new WebSocket(
      `${server.url.replace(/^http/, "ws")}/api/v4/websocket?connection_id=&sequence_number=0`,
      {
        headers: { Authorization: `Bearer ${server.user.token}` },
      },
    );
    cleanups.push(() => socket.terminate());
    const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
      socket.once("message", (raw) => resolve(JSON.parse(String(raw))));
      socket.once("close", (code) => reject(new Error(`closed with ${code}`)));
    });
    expect(first.event).toBe("hello");
  });
});
