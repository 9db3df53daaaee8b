// SyncClient benchmark: CPU per call (all threads of the process) and calls/s of users.getUser("me"), against the
// AsyncClient awaiting one call at a time, side by side in one run. The server runs in its own process.
//
//   npm run bench:sync      (builds first; CALLS=3000 ROUNDS=5 by default)
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AsyncClient, SyncClient } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.env.CALLS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const server = fork(join(here, "server.mjs"), [process.env.MATTERAPI_FIXTURES ?? join(here, "../../shared/fixtures")], {
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const url = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
const options = { url, auth: { token: "bench" } };

const ad = new AsyncClient(options);
const sd = new SyncClient(options);
const runs = {
  "AsyncClient (await, one at a time)": async () => {
    for (let i = 0; i < CALLS; i++) await ad.users.getUser("me");
  },
  SyncClient: async () => {
    for (let i = 0; i < CALLS; i++) sd.users.getUser("me");
  },
};

async function measure(run) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / CALLS, perSecond: (CALLS / wall) * 1000 };
}

for (const run of Object.values(runs)) await run(); // warm up
const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const [name, run] of Object.entries(runs)) samples[name].push(await measure(run));
sd.close();
await ad.close();
server.kill();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples[Object.keys(runs)[0]].map((s) => s.cpuUs));
console.log(
  `Node ${process.version}, ${CALLS} calls per run, ${ROUNDS} rounds, medians. CPU: every thread of the process.\n`,
);
console.log("| client | CPU µs/call | vs AsyncClient | calls/s |");
console.log("|---|---:|---:|---:|");
for (const [name, list] of Object.entries(samples)) {
  const cpu = median(list.map((s) => s.cpuUs));
  console.log(
    `| ${name} | ${cpu.toFixed(0)} | ${(cpu / base).toFixed(2)}x | ${median(list.map((s) => s.perSecond)).toFixed(0)} |`,
  );
}
