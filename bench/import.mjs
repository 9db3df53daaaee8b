// Start-up cost: importing the whole client (every group), and the first call, each against a bare baseline.
// Medians of N fresh processes.
//
//   npm run bench:import
//
// - import: `node` that imports dist/index.js and reads every group of a client, against `node` that does
//   nothing (whole process, wall time), and the heap it leaves.
// - first call: import + new client + one GET on loopback (undici and the schema compiler load lazily on this
//   first call), against the floor: importing undici and making the same request with undici.request.
// - cold import, side by side with the official client: `await import("matterapi")` against
//   `await import("@mattermost/client")`, each timed inside its own fresh process (budget: official + 20 ms).
//
// MATTERAPI_DIST=<folder> measures another build of dist/ (e.g. one from an older commit) in matterapi's place.
import { execFileSync, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const entry = pathToFileURL(join(process.env.MATTERAPI_DIST ?? join(root, "dist"), "index.js")).href;
const RUNS = Number(process.env.RUNS ?? 21);

const server = fork(join(here, "server.mjs"), [process.env.MATTERAPI_FIXTURES ?? join(here, "../../shared/fixtures")], {
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const url = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));

// The time is read before the forced collection, which is there for the heap figure only (a full GC of a bigger
// heap would otherwise count as import time).
const report = `const ms = performance.now() - t0; globalThis.gc(); console.log(JSON.stringify({ heap: process.memoryUsage().heapUsed, ms }));`;
const programs = {
  bare: `const t0 = performance.now(); ${report}`,
  import: `const t0 = performance.now(); const m = await import(${JSON.stringify(entry)});
    const client = new m.AsyncClient({ url: ${JSON.stringify(url)}, validation: "off", transport: { request() {}, close() {} } });
    for (const group of ["users", "teams", "channels", "posts", "files", "system", "plugins", "oauth", "sharedChannels"]) client[group];
    ${report}`,
  coldImport: `const t0 = performance.now(); await import(${JSON.stringify(entry)}); ${report}`,
  coldImportOfficial: `const t0 = performance.now(); await import("@mattermost/client"); ${report}`,
  firstCallFloor: `const t0 = performance.now(); const { request } = await import("undici");
    const res = await request(${JSON.stringify(`${url}/api/v4/users/me`)}, { headers: { authorization: "Bearer t" } });
    JSON.parse(await res.body.text()); ${report} process.exit(0);`,
  firstCall: `const t0 = performance.now(); const m = await import(${JSON.stringify(entry)});
    const client = new m.AsyncClient({ url: ${JSON.stringify(url)}, auth: { token: "t" } });
    await client.users.getUser("me"); ${report} process.exit(0);`,
};

function sample(code) {
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", code], {
    encoding: "utf8",
    cwd: root, // where "@mattermost/client" (a devDependency) resolves
  });
  return { ...JSON.parse(out), total: Number(process.hrtime.bigint() - start) / 1e6 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = Object.fromEntries(Object.keys(programs).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) for (const [name, code] of Object.entries(programs)) runs[name].push(sample(code));
server.kill();

const m = (name, field) => median(runs[name].map((r) => r[field]));
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
console.log(`Node ${process.version}, ${RUNS} runs each, medians.\n`);
console.log("| measure | matterapi | baseline | difference | budget |");
console.log("|---|---:|---:|---:|---:|");
console.log(
  `| process with \`import "matterapi"\` (every group read) vs bare \`node\` | ${m("import", "total").toFixed(1)} ms | ${m("bare", "total").toFixed(1)} ms | +${(m("import", "total") - m("bare", "total")).toFixed(1)} ms | 50 ms |`,
);
console.log(
  `| heap after the import vs bare \`node\` | ${mb(m("import", "heap"))} MB | ${mb(m("bare", "heap"))} MB | +${mb(m("import", "heap") - m("bare", "heap"))} MB | 15 MB |`,
);
console.log(
  `| cold \`await import("matterapi")\` vs \`await import("@mattermost/client")\` (in-process time) | ${m("coldImport", "ms").toFixed(1)} ms | ${m("coldImportOfficial", "ms").toFixed(1)} ms | ${m("coldImport", "ms") - m("coldImportOfficial", "ms") >= 0 ? "+" : ""}${(m("coldImport", "ms") - m("coldImportOfficial", "ms")).toFixed(1)} ms | +20 ms |`,
);
console.log(
  `| import + first GET /users/me (in-process time) vs undici import + request | ${m("firstCall", "ms").toFixed(1)} ms | ${m("firstCallFloor", "ms").toFixed(1)} ms | +${(m("firstCall", "ms") - m("firstCallFloor", "ms")).toFixed(1)} ms | |`,
);
