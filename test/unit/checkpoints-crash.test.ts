/**
 * Crash safety: a child process saving in a loop is killed with SIGKILL at random moments, again and again, and
 * the file always loads to a whole state, the last one the child reported saved or a newer one. (SIGKILL leaves
 * the page cache alone, so this shows the write and rename order, not what fsync adds against power loss.)
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FileCheckpointStore } from "../../src/ws/checkpoints/index.js";
import { ROOT } from "../helpers/spec.js";
import { stateNumber } from "./checkpoints-crash-child.js";

const KILLS = 25;
let dir: string;
let child: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "matterapi-crash-"));
  // Bundled once, so that each run starts as a plain `node` process in a fraction of tsx's start-up time.
  child = join(dir, "child.mjs");
  await build({
    entryPoints: [join(ROOT, "test/unit/checkpoints-crash-child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: child,
    logLevel: "error",
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it printed "start", waits `delay` ms, kills it; the last save it reported, or -1. */
function runAndKill(path: string, delay: number): Promise<{ started: number; reported: number; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, path], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let started = -1;
    let reported = -1;
    let errors = "";
    proc.stderr.on("data", (chunk) => {
      errors += chunk;
    });
    proc.stdout.on("data", (chunk) => {
      output += chunk;
      const lines = output.split("\n");
      output = lines.pop() ?? "";
      for (const line of lines) {
        const [word, number] = line.split(" ");
        if (word === "start") {
          started = Number(number);
          setTimeout(() => proc.kill("SIGKILL"), delay);
        } else if (word === "saved") reported = Number(number);
      }
    });
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`the writer exited with ${code} before it was killed: ${errors}`));
      else resolve({ started, reported, output: errors });
    });
  });
}

it(`a writer killed with SIGKILL ${KILLS} times at random moments always leaves a whole, recent state`, async () => {
  const path = join(dir, "stream.checkpoint");
  let lastReported = 0;
  const moments: number[] = [];
  let tornWrites = 0;
  for (let i = 0; i < KILLS; i++) {
    // From at once (often mid-write of the first save) to some tens of saves later.
    const delay = Math.floor(Math.random() * 40);
    moments.push(delay);
    const run = await runAndKill(path, delay);
    expect(run.started, "each run resumes from the state the last one left").toBeGreaterThanOrEqual(lastReported);
    // A temp file left behind: this kill landed in the middle of a save.
    if ((await readdir(dir)).some((name) => name.endsWith(".tmp"))) tornWrites++;
    const store = new FileCheckpointStore(path);
    const loaded = await store.load();
    await store.close();
    if (loaded === undefined) {
      expect(run.reported, "no state only while nothing was ever saved").toBe(-1);
      continue;
    }
    // Whole: exactly state number `since`, not a mix of two. Recent: not older than any save reported done.
    expect(loaded).toEqual(stateNumber(loaded.since));
    expect(loaded.since).toBeGreaterThanOrEqual(Math.max(run.reported, run.started));
    lastReported = loaded.since;
  }
  // Temp files of the killed writers are removed by the next store that opens the file.
  const names = (await readdir(dir)).filter((name) => name.endsWith(".tmp"));
  expect(names).toEqual([]);
  console.log(`${KILLS} kills, ${tornWrites} of them in the middle of a save; last state ${lastReported}`);
  expect(lastReported, `the writers made progress (kill moments ${moments.join(",")} ms)`).toBeGreaterThan(0);
}, 120_000);
