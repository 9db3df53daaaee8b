/**
 * A checkpoint store in memory: for tests, and the smallest example of the interface. What it holds is gone with
 * the process. Like every store, it checks and copies the state on the way in and out.
 */
import type { CheckpointState, CheckpointStore } from "./types.js";
import { validateCheckpointState } from "./validate.js";

export class MemoryCheckpointStore implements CheckpointStore {
  private stored: string | undefined;
  /** How many saves reached the store (for tests and benchmarks). */
  saves = 0;

  constructor(initial?: CheckpointState) {
    if (initial) this.stored = JSON.stringify(validateCheckpointState(initial, "the initial checkpoint is invalid"));
  }

  async load(): Promise<CheckpointState | undefined> {
    if (this.stored === undefined) return undefined;
    return validateCheckpointState(JSON.parse(this.stored), "the stored checkpoint is invalid");
  }

  async save(state: CheckpointState): Promise<void> {
    this.stored = JSON.stringify(validateCheckpointState(state, "cannot save the checkpoint"));
    this.saves++;
  }
}
