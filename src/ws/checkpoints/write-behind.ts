/**
 * The tracker's saver: at most one save in flight, and the next carries every change made meanwhile, so a burst of
 * acknowledgements costs one write (one fsync pair for the file store), not one each. A failed save is reported
 * and retried with a doubling delay (capped); the state stays in memory meanwhile, so nothing acknowledged is lost
 * while the process lives, and memory does not grow: the state is bounded, not a queue of changes.
 */
import { CheckpointError } from "./errors.js";
import type { CheckpointState, CheckpointStore } from "./types.js";

export interface WriteBehindOptions {
  /** Called with every failed save (a CheckpointError whose cause is the store's error). Default: console.warn. */
  onError?: (error: CheckpointError) => void;
  /** ms before the first retry of a failed save (default 100); doubles each failure. */
  initialRetryDelay?: number;
  /** The longest wait between retries (ms, default 30000). */
  maxRetryDelay?: number;
  /** ms to wait after a change before saving, to gather more changes into one save (default 0: at once). */
  saveDelay?: number;
}

interface FlushWaiter {
  target: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function delayOption(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || result > 2 ** 31 - 1) {
    throw new CheckpointError(`${name} must be a number of ms from 0 to 2147483647, not ${String(value)}`);
  }
  return result;
}

export class WriteBehind {
  /** Changes made (a counter); `stored` is the count the last successful save carried. */
  private changes = 0;
  private stored = 0;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queued = false;
  private failures = 0;
  private closing = false;
  private readonly waiters: FlushWaiter[] = [];
  private readonly initialRetryDelay: number;
  private readonly maxRetryDelay: number;
  private readonly saveDelay: number;
  private readonly onError: (error: CheckpointError) => void;
  /** Saves that succeeded, and saves attempted (for tests and benchmarks). */
  saves = 0;
  attempts = 0;

  constructor(
    private readonly store: CheckpointStore,
    private readonly snapshot: () => CheckpointState,
    options: WriteBehindOptions = {},
  ) {
    this.initialRetryDelay = delayOption(options.initialRetryDelay, 100, "initialRetryDelay");
    this.maxRetryDelay = delayOption(options.maxRetryDelay, 30_000, "maxRetryDelay");
    this.saveDelay = delayOption(options.saveDelay, 0, "saveDelay");
    this.onError = options.onError ?? ((error) => console.warn(`matterapi: ${error.message}`));
  }

  /** Whether every change so far is stored. */
  get clean(): boolean {
    return this.stored === this.changes && !this.inFlight;
  }

  /** Records a change and makes sure a save will carry it. */
  changed(): void {
    this.changes++;
    this.schedule();
  }

  /**
   * Resolves when every change made before the call is stored; rejects with the error of the save attempt that
   * should have stored them (the saver keeps retrying: call flush() again to wait for the next attempt).
   */
  flush(): Promise<void> {
    if (this.stored === this.changes) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ target: this.changes, resolve, reject });
      // Someone is waiting: a pending delay or retry wait is cut short.
      if (!this.inFlight) {
        this.clearTimer();
        this.run();
      }
    });
  }

  /** Stores what is left (one attempt, no retry after it), then stops. */
  async close(): Promise<void> {
    this.closing = true;
    this.clearTimer();
    await this.flush();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.inFlight || this.timer !== undefined || this.queued) return;
    if (this.saveDelay > 0 && this.waiters.length === 0 && !this.closing) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.run();
      }, this.saveDelay);
    } else {
      // A microtask: the acknowledgements made in this same turn go into the same save.
      this.queued = true;
      queueMicrotask(() => {
        this.queued = false;
        this.run();
      });
    }
  }

  private run(): void {
    if (this.inFlight || this.stored === this.changes) return;
    const target = this.changes;
    this.inFlight = true;
    this.attempts++;
    let saving: Promise<void>;
    try {
      saving = Promise.resolve(this.store.save(this.snapshot()));
    } catch (error) {
      saving = Promise.reject(error);
    }
    saving.then(
      () => this.saved(target),
      (error: unknown) => this.failed(target, error),
    );
  }

  private saved(target: number): void {
    this.inFlight = false;
    this.stored = target;
    this.failures = 0;
    this.saves++;
    this.settle(target, undefined);
    if (this.changes > this.stored) this.schedule();
  }

  private failed(target: number, error: unknown): void {
    this.inFlight = false;
    this.failures++;
    const retry = this.closing
      ? undefined
      : Math.min(this.maxRetryDelay, this.initialRetryDelay * 2 ** (this.failures - 1));
    const reason = error instanceof Error ? error.message : String(error);
    const next = retry === undefined ? "not retried: the tracker is closing" : `retrying in ${retry} ms`;
    const failure = new CheckpointError(
      `could not save the checkpoint (attempt ${this.failures}, ${next}): ${reason}`,
      {
        cause: error,
        location: error instanceof CheckpointError ? error.location : undefined,
      },
    );
    try {
      this.onError(failure);
    } catch {
      // The handler's own failure must not stop the retries.
    }
    // Closing makes no further attempt, so every flush still waiting gets this failure.
    this.settle(retry === undefined ? Number.POSITIVE_INFINITY : target, failure);
    if (retry === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, retry);
  }

  /** Settles the flushes that the attempt carrying `target` covered. */
  private settle(target: number, failure: CheckpointError | undefined): void {
    for (let i = 0; i < this.waiters.length; ) {
      const waiter = this.waiters[i];
      if (waiter.target <= target) {
        this.waiters.splice(i, 1);
        if (failure) waiter.reject(failure);
        else waiter.resolve();
      } else {
        i++;
      }
    }
  }
}
