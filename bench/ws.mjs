// WebSocket benchmark: `posted` events (1 KB post) received, decoded, typed and dispatched per second.
//
//   npm run bench:ws      (builds first; COUNT=100000 ROUNDS=5 by default)
//
// Side by side in one run: the floor (a raw `ws` client that JSON-parses each frame and its post) and
// matterapi's MattermostWebSocket (parse, seq check, decode, dispatch to an `on("posted")` handler).
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { AsyncClient, FileCheckpointStore } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const COUNT = Number(process.env.COUNT ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const server = fork(join(here, "ws-server.mjs"), [String(COUNT)], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const url = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));

function measure(run) {
  return new Promise((resolve, reject) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    run(() => {
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      resolve({ perSecond: (COUNT / wall) * 1000, cpuUs: (cpu.user + cpu.system) / COUNT });
    }, reject);
  });
}

const clients = {
  "raw ws + JSON.parse of frame and post (floor)": (done) => {
    let n = 0;
    const ws = new WebSocket(`${url.replace("http", "ws")}/api/v4/websocket`, { perMessageDeflate: false });
    ws.on("open", () => ws.send(JSON.stringify({ seq: 1, action: "ping" })));
    ws.on("message", (raw) => {
      const message = JSON.parse(String(raw));
      if (message.event !== "posted") return;
      message.data.post = JSON.parse(message.data.post);
      if (++n === COUNT) {
        ws.close();
        done();
      }
    });
  },
  "matterapi MattermostWebSocket": (done, fail) => {
    const client = new AsyncClient({ url, auth: { token: "bench" } });
    const ws = client.websocket({ reconnect: false });
    let n = 0;
    let length = 0;
    ws.on("posted", (event) => {
      length += event.data.post.message.length;
      if (++n === COUNT) {
        ws.close();
        void client.close();
        done(length);
      }
    });
    ws.connect().catch(fail);
  },
  // The same with a file checkpoint: events handed out one at a time, each post acknowledged once its handler is
  // done, the state saved behind the stream (coalesced: one write carries every acknowledgement made meanwhile).
  "matterapi MattermostWebSocket + file checkpoint": (done, fail) => {
    const dir = mkdtempSync(join(tmpdir(), "matterapi-bench-"));
    const client = new AsyncClient({ url, auth: { token: "bench" } });
    const ws = client.websocket({
      reconnect: false,
      checkpoint: new FileCheckpointStore(join(dir, "bench.checkpoint")),
    });
    let n = 0;
    let length = 0;
    ws.on("posted", (event) => {
      length += event.data.post.message.length;
      if (++n === COUNT) {
        void client.close().then(() => {
          rmSync(dir, { recursive: true, force: true });
          done(length);
        });
      }
    });
    ws.connect().catch(fail);
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = Object.fromEntries(Object.keys(clients).map((k) => [k, []]));
for (const run of Object.values(clients)) await measure(run); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(clients)) samples[name].push(await measure(run));
}
server.kill();

console.log(`Node ${process.version}, ${COUNT} events per run, ${ROUNDS} rounds, medians.\n`);
console.log("| client | events/s | CPU µs/event | vs floor (CPU) |");
console.log("|---|---:|---:|---:|");
const floorCpu = median(samples[Object.keys(clients)[0]].map((s) => s.cpuUs));
for (const [name, list] of Object.entries(samples)) {
  const cpu = median(list.map((s) => s.cpuUs));
  console.log(
    `| ${name} | ${median(list.map((s) => s.perSecond)).toFixed(0)} | ${cpu.toFixed(2)} | ${(cpu / floorCpu).toFixed(2)}x |`,
  );
}
