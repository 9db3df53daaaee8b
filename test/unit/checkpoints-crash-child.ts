/**
 * The writer that checkpoints-crash.test.ts kills with SIGKILL: it loads the checkpoint (taking over the lock its
 * killed predecessor left), then saves ever newer states, each of a different size, printing the number of each
 * save once it resolved. Not a test file itself.
 */
import { type CheckpointState, FileCheckpointStore } from "../../src/ws/checkpoints/index.js";

/** The state number n: its size and every field follow from n, so a reader can tell a mix of two states. */
export function stateNumber(n: number): CheckpointState {
  const id = (prefix: string, k: number) => prefix + String(k).padStart(26 - prefix.length, "0");
  const recent = Array.from({ length: (n * 37) % 3000 }, (_, k) => id("p", n * 10_000 + k));
  const channels: CheckpointState["channels"] = {};
  for (let c = 0; c < (n % 50) + 1; c++) channels[id("c", c)] = { post_id: id("p", n), create_at: n };
  return { version: 1, channels, recent, since: n };
}

async function main(path: string): Promise<void> {
  const store = new FileCheckpointStore(path);
  let n = (await store.load())?.since ?? 0;
  process.stdout.write(`start ${n}\n`);
  for (;;) {
    n++;
    await store.save(stateNumber(n));
    process.stdout.write(`saved ${n}\n`);
  }
}

if (process.argv[2]) {
  main(process.argv[2]).catch((error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
