// Idle event streams: the memory each open, idle stream costs, side by side with raw `ws` sockets to the same server.
//
//   npm run bench:ws-idle      (builds first; STREAMS=1000 by default)
//
// The server (bench/ws-server.mjs with no events to send: hello, then a reply to each action) runs in its own
// process. This process opens STREAMS raw `ws` sockets (each sends one ping, as a client proving its credentials
// would), measures heap and RSS after a full GC, closes them, then does the same with STREAMS matterapi streams, each
// on its own AsyncClient (token auth, checkpoints off). Per-stream figures are the difference from the baseline (taken
// after 10 of each were opened and closed, so that what loads once is not counted) divided by STREAMS.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { AsyncClient } from "../dist/index.js";

if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc (npm run bench:ws-idle does)");
  process.exit(1);
}
const here = dirname(fileURLToPath(import.meta.url));
const STREAMS = Number(process.env.STREAMS ?? 1000);

const server = fork(join(here, "ws-server.mjs"), ["0"], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const url = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
const wsUrl = `${url.replace("http", "ws")}/api/v4/websocket`;

async function settle() {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc();
  }
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed + external - arrayBuffers, rss };
}

async function raw(count = STREAMS) {
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, headers: { Authorization: "Bearer bench" } });
    await new Promise((resolve, reject) => {
      ws.once("error", reject);
      ws.once("open", () => ws.send(JSON.stringify({ seq: 1, action: "ping" })));
      ws.on("message", (data) => {
        if (JSON.parse(String(data)).seq_reply === 1) resolve();
      });
    });
    sockets.push(ws);
  }
  return {
    held: sockets,
    close: async () => {
      const closing = sockets.map((ws) => new Promise((resolve) => ws.once("close", resolve)));
      for (const ws of sockets) ws.close();
      await Promise.all(closing);
    },
  };
}

async function matterapi(count = STREAMS) {
  const streams = [];
  for (let i = 0; i < count; i++) {
    const client = new AsyncClient({ url, auth: { token: "bench" } });
    const ws = client.websocket({ reconnect: false });
    ws.on("posted", () => {});
    await ws.connect();
    streams.push({ client, ws });
  }
  return {
    held: streams,
    close: async () => {
      await Promise.all(streams.map(({ client }) => client.close()));
    },
  };
}

const results = [];
for (const [name, open] of [
  ["raw ws (floor)", raw],
  ["matterapi stream + its AsyncClient", matterapi],
]) {
  // A few first, closed again: what loads once (modules, lazy chunks, the transport's module) is not per stream.
  await (await open(10)).close();
  const before = await settle();
  const opened = await open();
  const after = await settle();
  results.push({
    name,
    heap: (after.heap - before.heap) / STREAMS,
    rss: (after.rss - before.rss) / STREAMS,
  });
  await opened.close();
  opened.held.length = 0;
}
server.kill();

const floor = results[0];
console.log(`${STREAMS} idle streams, per stream (heap = JS heap + external, after a full GC):`);
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(38)} heap ${(r.heap / 1024).toFixed(1).padStart(6)} KB (${(r.heap / floor.heap).toFixed(2)}x)` +
      `   rss ${(r.rss / 1024).toFixed(1).padStart(6)} KB (${(r.rss / floor.rss).toFixed(2)}x)`,
  );
}
