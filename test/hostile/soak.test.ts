/**
 * A soak (issue 10): 60 s of mixed REST calls and an event stream against the fake server while its fault controls
 * fire at random (429s, 5xx, delays, answers dropped before or in the middle, WebSockets closed, forgotten, silenced,
 * refused, sessions expired). It ends with every call settled, no unhandled rejection (vitest fails the run on one),
 * a heap back where it was, and the stream still up. SOAK_SECONDS shortens it for a quick local run.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, AsyncClient, ConnectionError, type MattermostWebSocket } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};

/** A deterministic pseudo-random sequence, so a failing run can be repeated (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let server: TestServer;
let client: AsyncClient;
let password: AsyncClient;
let relogin: AsyncClient;
let ws: MattermostWebSocket;

beforeAll(async () => {
  server = await createTestServer({ webSocket: { authTimeout: 1000 } });
  client = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, timeout: 2000, maxRetryDelay: 2 });
  relogin = new AsyncClient({
    url: server.url,
    auth: { loginId: server.admin.username, password: server.admin.password },
    timeout: 2000,
    maxRetryDelay: 2,
  });
  password = new AsyncClient({
    url: server.url,
    auth: { loginId: server.user.username, password: server.user.password },
    timeout: 2000,
    maxRetryDelay: 2,
  });
});

afterAll(async () => {
  ws?.close();
  await client?.close();
  await password?.close();
  await relogin?.close();
  await server?.close();
});

describe("soak: random faults for a minute", () => {
  it(
    "every call settles, nothing is unhandled, the heap comes back and the stream is still up",
    async () => {
      const next = random(Number(process.env.SOAK_SEED ?? 20261202));
      const posted = new Set<string>();
      const created = new Set<string>();
      let duplicates = 0;
      const errors: string[] = [];
      // Probes every 2 s: a socket the faults left dead (silenced past a pong) is found in seconds, not 40 s.
      ws = password.websocket({
        catchUp: true,
        initialReconnectDelay: 20,
        maxReconnectDelay: 500,
        pingInterval: 2000,
        pongTimeout: 1000,
      });
      ws.on("posted", (e) => {
        if (posted.has(e.data.post.id)) duplicates++;
        posted.add(e.data.post.id);
      });
      ws.on("error", (e) => errors.push(`${(e as Error).name}: ${(e as Error).message}`));
      await ws.connect();

      const channel = server.channels.general.id;
      const calls = [
        () => client.users.getUser("me"),
        () => client.posts.getPostsForChannel(channel, { per_page: 20 }),
        () =>
          client.posts.createPost({ channel_id: channel, message: `soak ${next()}` }).then((post) => {
            created.add(post.id);
          }),
        () => password.users.getUser("me"),
        () => password.channels.getChannel(channel),
        () => password.teams.getTeam(server.team.id),
        () => relogin.users.getUser("me"),
        () => relogin.channels.getChannel(channel),
      ];
      const faults = [
        () => server.faults.next(1, { status: 429, retryAfter: 1 }),
        () => server.faults.next(1, { status: 503 }),
        () => server.faults.next(1, { status: 500 }),
        () => server.faults.next(1, { delay: 300 }),
        () => server.faults.next(1, { drop: "before-answer" }),
        () => server.faults.next(1, { drop: "mid-answer" }),
        () => server.faults.closeWebSockets(next() < 0.5 ? 1006 : 1001),
        () => server.faults.forgetConnections(),
        // A password client's session (it logs in again); personal access tokens stay valid. The stream's own
        // session too: the server then drops its events without a word, and the stream must find out and catch up.
        () => relogin.token && server.faults.expireSession(relogin.token),
        () => password.token && server.faults.expireSession(password.token),
        () => {
          server.faults.silenceWebSockets(true);
          setTimeout(() => server.faults.silenceWebSockets(false), 400);
        },
        () => {
          server.faults.refuseWebSockets(true);
          setTimeout(() => server.faults.refuseWebSockets(false), 400);
        },
      ];

      let started = 0;
      let settled = 0;
      const outcomes = new Map<string, number>();
      const inFlight = new Set<Promise<unknown>>();
      const warmUp = Date.now() + Math.min(5, SECONDS / 6) * 1000;
      let heapAtStart = 0;
      const end = Date.now() + SECONDS * 1000;

      while (Date.now() < end) {
        if (heapAtStart === 0 && Date.now() > warmUp) heapAtStart = heapAfterGc();
        if (next() < 0.15) faults[Math.floor(next() * faults.length)]();
        while (inFlight.size < 8) {
          started++;
          const p = calls[Math.floor(next() * calls.length)]()
            .then(
              () => "ok",
              (error: unknown) =>
                error instanceof ConnectionError || error instanceof ApiError ? error.name : `odd ${String(error)}`,
            )
            .then((outcome) => {
              settled++;
              outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
              inFlight.delete(p);
            });
          inFlight.add(p);
        }
        await Promise.race([...inFlight, new Promise((r) => setTimeout(r, 20))]);
      }
      server.faults.clear();
      server.faults.silenceWebSockets(false);
      server.faults.refuseWebSockets(false);
      await Promise.all(inFlight);

      // Every call settled, each with a result or one of our errors (never a raw exception).
      expect(settled).toBe(started);
      expect([...outcomes.keys()].filter((k) => k.startsWith("odd"))).toEqual([]);
      expect(outcomes.get("ok") ?? 0).toBeGreaterThan(started / 4);

      // The stream is still up (not stopped by any of the faults), and every post made (whatever the faults did to
      // the stream meanwhile) arrives, once: the last one made now, and every one made during the soak.
      const last = await client.posts.createPost({ channel_id: channel, message: "after the soak" });
      created.add(last.id);
      const lost = () => [...created].filter((id) => !posted.has(id));
      const deadline = Date.now() + 30_000;
      while (lost().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const why = `${errors.length} stream errors, the last: ${errors.slice(-3).join(" | ")}`;
      expect(ws.state, why).not.toBe("closed");
      expect(lost(), `posts never delivered (of ${created.size}); ${why}`).toEqual([]);
      expect(duplicates, "posts delivered twice").toBe(0);

      // The heap is back where it was after the warm-up (allowing for JIT and caches).
      const heapAtEnd = heapAfterGc();
      expect(heapAtEnd - heapAtStart).toBeLessThan(24 * 1024 * 1024);
      expect(server.invalidResponses).toEqual([]);
      console.log(
        `soak: ${started} calls in ${SECONDS} s, ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(", ")}; ` +
          `${posted.size} posted events (${created.size} made, all delivered once); stream errors ${errors.length}; heap ${((heapAtEnd - heapAtStart) / 1e6).toFixed(1)} MB`,
      );
    },
    (SECONDS + 60) * 1000,
  );
});
