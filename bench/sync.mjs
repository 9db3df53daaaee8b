// SyncClient benchmark: CPU per call (all threads of the process) and calls/s of users.getUser("me"), against the
// AsyncClient awaiting one call at a time, side by side in one run. The server runs in its own process.
//
//   npm run bench:sync      (builds first; CALLS=3000 ROUNDS=15 by default)
//
// This machine's speed drifts between rounds, so each round runs both clients back to back (in alternating order)
// and the ratio is taken within the round; the table gives the median round and the spread.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AsyncClient, SyncClient } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.env.CALLS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
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
for (let round = 0; round < ROUNDS; round++) {
  const order = Object.entries(runs);
  if (round % 2) order.reverse();
  for (const [name, run] of order) samples[name].push(await measure(run));
}
sd.close();
await ad.close();
server.kill();

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const [baseName, syncName] = Object.keys(runs);
const ratios = sorted(samples[syncName].map((s, i) => s.cpuUs / samples[baseName][i].cpuUs));
const quartile = (q) => ratios[Math.floor((ratios.length - 1) * q)];
console.log(
  `Node ${process.version}, ${CALLS} calls per run, ${ROUNDS} rounds, medians. CPU: every thread of the process.\n`,
);
console.log("| client | CPU µs/call | vs AsyncClient (median round; quartiles; range) | calls/s |");
console.log("|---|---:|---:|---:|");
for (const [name, list] of Object.entries(samples)) {
  const cpu = median(list.map((s) => s.cpuUs));
  const vs =
    name === baseName
      ? "1.00x"
      : `${median(ratios).toFixed(2)}x; ${quartile(0.25).toFixed(2)}-${quartile(0.75).toFixed(2)}; ` +
        `${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)}`;
  console.log(`| ${name} | ${cpu.toFixed(0)} | ${vs} | ${median(list.map((s) => s.perSecond)).toFixed(0)} |`);
}
