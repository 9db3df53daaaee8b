// Checkpoint benchmark: what acknowledging posts costs with write-behind saving, in memory and in a file.
//
//   node bench/checkpoints.mjs      (ACKS=200000 BATCH=100 SYNC_ACKS=300 WINDOW=10000 by default)
//
// Bundles src/ws/checkpoints with esbuild first (no build of the package needed). Scenarios:
// - write-behind: ACKS acknowledgements, BATCH per event-loop turn (as frames arrive), then flush(); the saver
//   keeps at most one save in flight, so saves/s is what the store sustains and acks/s what the stream does.
// - file store, flush after every ack: the cost of storing each post before taking the next (one save each).
// - file store alone: back-to-back saves of a full state (WINDOW ids), the fsync-bound ceiling.
// The file store makes two fsyncs per save (the temp file, then the folder after the rename).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const ACKS = Number(process.env.ACKS ?? 200_000);
const BATCH = Number(process.env.BATCH ?? 100);
const SYNC_ACKS = Number(process.env.SYNC_ACKS ?? 300);
const WINDOW = Number(process.env.WINDOW ?? 10_000);

const work = await mkdtemp(join(tmpdir(), "matterapi-bench-checkpoints-"));
const bundle = join(work, "checkpoints.mjs");
await build({
  entryPoints: [join(here, "../src/ws/checkpoints/index.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: bundle,
  logLevel: "error",
});
const { CheckpointTracker, FileCheckpointStore, MemoryCheckpointStore } = await import(pathToFileURL(bundle).href);

const id = (prefix, n) => prefix + String(n).padStart(26 - prefix.length, "0");
const post = (n) => ({ id: id("p", n), channel_id: id("c", n % 50), create_at: 1_700_000_000_000 + n });
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function measure(run) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { ...result, seconds, cpuUs: cpu.user + cpu.system };
}

async function writeBehind(store) {
  const tracker = new CheckpointTracker({ store, windowSize: WINDOW });
  return measure(async () => {
    for (let n = 0; n < ACKS; n += BATCH) {
      for (let k = n; k < Math.min(n + BATCH, ACKS); k++) tracker.acknowledge(post(k));
      await turn();
    }
    await tracker.flush();
    await tracker.close();
    return { acks: ACKS, saves: tracker.saveCounts.saves };
  });
}

async function flushEach(store) {
  const tracker = new CheckpointTracker({ store, windowSize: WINDOW });
  return measure(async () => {
    for (let n = 0; n < SYNC_ACKS; n++) {
      tracker.acknowledge(post(n));
      await tracker.flush();
    }
    await tracker.close();
    return { acks: SYNC_ACKS, saves: tracker.saveCounts.saves };
  });
}

async function storeAlone(store) {
  const state = { version: 1, channels: {}, recent: Array.from({ length: WINDOW }, (_, n) => id("p", n)), since: 1 };
  for (let c = 0; c < 50; c++) state.channels[id("c", c)] = { post_id: id("p", c), create_at: 1 };
  return measure(async () => {
    for (let n = 0; n < SYNC_ACKS; n++) await store.save({ ...state, since: n });
    await store.close?.();
    return { acks: 0, saves: SYNC_ACKS };
  });
}

const rows = [];
function row(name, r, fsyncsPerSave) {
  const perSecond = (count) => Math.round(count / r.seconds);
  const acks = r.acks ? perSecond(r.acks) : "-";
  const cpu = r.acks ? (r.cpuUs / r.acks).toFixed(2) : "-";
  const fsyncs = fsyncsPerSave ? perSecond(r.saves * fsyncsPerSave) : "-";
  rows.push(`| ${name} | ${acks} | ${cpu} | ${r.saves} | ${perSecond(r.saves)} | ${fsyncs} |`);
}

try {
  let file = 0;
  const fileStore = () => new FileCheckpointStore(join(work, `bench-${file++}.checkpoint`));
  row(`memory store, write-behind (${BATCH} acks per turn)`, await writeBehind(new MemoryCheckpointStore()), 0);
  row(`file store, write-behind (${BATCH} acks per turn)`, await writeBehind(fileStore()), 2);
  row("memory store, flush after every ack", await flushEach(new MemoryCheckpointStore()), 0);
  row("file store, flush after every ack", await flushEach(fileStore()), 2);
  row(`file store alone, back-to-back saves (${WINDOW} ids)`, await storeAlone(fileStore()), 2);
  console.log(
    `Node ${process.version}, window ${WINDOW} ids, ${ACKS} acks (write-behind), ${SYNC_ACKS} (flush each)\n`,
  );
  console.log("| scenario | acks/s | CPU µs/ack | saves | saves/s | fsyncs/s |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const line of rows) console.log(line);
} finally {
  await rm(work, { recursive: true, force: true });
}
