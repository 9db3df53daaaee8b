/**
 * The callers of `connect()` waiting for the stream to open, each with its own connect timeout: when it passes, the
 * stream decides (stop, or reject that caller alone) through `onTimeout`.
 */
import { timer } from "./options.js";

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class ConnectWaiters {
  #waiters: Waiter[] = [];

  /** A promise settled by resolveAll/rejectAll, or by `onTimeout` (given this caller's reject) after `ms`. */
  add(ms: number, onTimeout: (reject: (e: Error) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Waiter = {
        resolve,
        reject,
        timer: timer(() => {
          this.#waiters = this.#waiters.filter((w) => w !== entry);
          onTimeout(reject);
        }, ms),
      };
      this.#waiters.push(entry);
    });
  }

  resolveAll(): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  rejectAll(error: Error): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }
}
