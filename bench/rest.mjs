// REST benchmark: client CPU per request and requests/s, side by side in one run on loopback.
//
//   npm run bench            (builds, then runs this file)
//
// Clients: the floor (raw undici.request + JSON.parse), matterapi (lenient validation, the default; and with
// validation off), and the official @mattermost/client Client4 (fetch based). The server runs in its own process
// (bench/server.mjs) and answers ../shared/fixtures payloads, so only the client's CPU is counted.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import mattermostClient from "@mattermost/client";
import { Agent, request } from "undici";
import { AsyncClient } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = process.env.MATTERAPI_FIXTURES ?? join(here, "../../shared/fixtures");
if (!existsSync(join(fixtures, "postlist60.json"))) {
  console.error(
    `Fixtures not found at ${fixtures}; set MATTERAPI_FIXTURES to the folder with user.json and postlist*.json.`,
  );
  process.exit(2);
}
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const server = fork(join(here, "server.mjs"), [fixtures], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const url = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
const token = "bench-token";

const floorAgent = new Agent({ keepAliveTimeout: 60_000 });
const floor = async (path) => {
  const res = await request(url + path, {
    dispatcher: floorAgent,
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
  });
  return JSON.parse(await res.body.text());
};
const lenient = new AsyncClient({ url, auth: { token } });
const off = new AsyncClient({ url, auth: { token }, validation: "off" });
const client4 = new mattermostClient.Client4();
client4.setUrl(url);
client4.setToken(token);

const scenarios = [
  {
    name: "GET /users/me (user.json, 1.5 KB)",
    total: 3000,
    clients: {
      "raw undici + JSON.parse (floor)": () => floor("/api/v4/users/me"),
      "matterapi (lenient validation)": () => lenient.users.getUser("me"),
      "matterapi (validation off)": () => off.users.getUser("me"),
      "@mattermost/client Client4": () => client4.getMe(),
    },
  },
  {
    name: "GET /channels/{id}/posts (postlist60.json, 67 KB)",
    total: 800,
    clients: {
      "raw undici + JSON.parse (floor)": () => floor("/api/v4/channels/postlist60/posts?page=0&per_page=60"),
      "matterapi (lenient validation)": () => lenient.posts.getPostsForChannel("postlist60", { page: 0, per_page: 60 }),
      "matterapi (validation off)": () => off.posts.getPostsForChannel("postlist60", { page: 0, per_page: 60 }),
      "@mattermost/client Client4": () => client4.getPosts("postlist60", 0, 60),
    },
  },
  {
    name: "GET /channels/{id}/posts (postlist200.json, 234 KB)",
    total: 250,
    clients: {
      "raw undici + JSON.parse (floor)": () => floor("/api/v4/channels/postlist200/posts?page=0&per_page=200"),
      "matterapi (lenient validation)": () =>
        lenient.posts.getPostsForChannel("postlist200", { page: 0, per_page: 200 }),
      "matterapi (validation off)": () => off.posts.getPostsForChannel("postlist200", { page: 0, per_page: 200 }),
      "@mattermost/client Client4": () => client4.getPosts("postlist200", 0, 200),
    },
  },
];

async function run(fn, concurrency, total) {
  let next = 0;
  const worker = async () => {
    while (next++ < total) await fn();
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / total, rps: (total / wall) * 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];

for (const scenario of scenarios) {
  for (const fn of Object.values(scenario.clients)) await run(fn, 4, Math.ceil(scenario.total / 4)); // warm up
  for (const concurrency of [1, 16]) {
    const samples = Object.fromEntries(Object.keys(scenario.clients).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Interleave clients within each round so drift in machine load hits them all alike.
      for (const [name, fn] of Object.entries(scenario.clients))
        samples[name].push(await run(fn, concurrency, scenario.total));
    }
    const rows = Object.entries(samples).map(([name, s]) => ({
      name,
      cpuUs: median(s.map((x) => x.cpuUs)),
      rps: median(s.map((x) => x.rps)),
    }));
    results.push({ scenario: scenario.name, concurrency, rows });
  }
}

const floorName = "raw undici + JSON.parse (floor)";
const c4Name = "@mattermost/client Client4";
console.log(`Node ${process.version}, ${ROUNDS} rounds, medians. CPU = client process user+system time per request.\n`);
for (const { scenario, concurrency, rows } of results) {
  const floorCpu = rows.find((r) => r.name === floorName).cpuUs;
  const c4Cpu = rows.find((r) => r.name === c4Name).cpuUs;
  console.log(`### ${scenario}, concurrency ${concurrency}\n`);
  console.log("| client | CPU µs/request | vs floor | vs Client4 | requests/s |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.cpuUs.toFixed(0)} | ${(r.cpuUs / floorCpu).toFixed(2)}x | ${(r.cpuUs / c4Cpu).toFixed(2)}x | ${r.rps.toFixed(0)} |`,
    );
  }
  console.log("");
}

await Promise.all([lenient.close(), off.close(), floorAgent.close()]);
server.kill();
