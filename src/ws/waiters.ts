/**
 * Waiting on the stream: the callers of `connect()` waiting for it to open, each with its own connect timeout (when
 * it passes, the stream decides, through `onTimeout`, to stop or to reject that caller alone); and a wait for the
 * next event of a name (`waitForEvent`).
 */
import { MatterapiError, UsageError } from "../core/errors.js";
import type { EventNameArg, EventOf } from "./events.js";
import { LIFECYCLE, timer } from "./options.js";

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

/** How `waitForEvent` waits. */
export interface WaitForOptions<E> {
  /** Only an event for which this returns true counts (default: the first of the name). */
  filter?: ((event: E) => boolean) | undefined;
  /** How long to wait, ms (default 30000); the wait then rejects. */
  timeout?: number | undefined;
  /** Ends the wait (rejects with the signal's reason). */
  signal?: AbortSignal | undefined;
}

/** What waitForEvent needs of a stream: its listeners and its state. */
interface Listenable {
  on(name: string, handler: (value: never) => unknown): unknown;
  off(name: string, handler: (value: never) => unknown): unknown;
}

const DEFAULT_WAIT = 30_000;

/**
 * The next server event of `name` (that passes `filter`), typed by its name: `waitForEvent(ws, "posted")` resolves
 * with a `ServerEvent<"posted">`, and a misspelled name does not compile. Rejects when `timeout` passes, the signal
 * aborts, `filter` throws, or the stream closes first. Never waits unbounded: the timeout is always set.
 */
export function waitForEvent<K extends string>(
  ws: Listenable,
  name: EventNameArg<K>,
  options: WaitForOptions<EventOf<K>> = {},
): Promise<EventOf<K>> {
  const event = String(name);
  if (LIFECYCLE.has(event))
    return Promise.reject(new UsageError(`waitFor: ${event} is a lifecycle event of the stream; use on("${event}")`));
  const timeout = options.timeout ?? DEFAULT_WAIT;
  if (typeof timeout !== "number" || !(timeout > 0))
    return Promise.reject(new UsageError("waitFor: timeout must be a positive number of ms"));
  const { filter, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<EventOf<K>>((resolve, reject) => {
    const done = () => {
      clearTimeout(clock);
      ws.off(event, onEvent);
      ws.off("statechange", onState);
      signal?.removeEventListener("abort", onAbort);
    };
    const onEvent = (value: EventOf<K>) => {
      try {
        if (filter && !filter(value)) return;
      } catch (error) {
        done();
        reject(error);
        return;
      }
      done();
      resolve(value);
    };
    const onState = (state: string) => {
      if (state !== "closed") return;
      done();
      reject(new MatterapiError(`waitFor: the stream closed before a ${event} event came`));
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    const clock = timer(() => {
      done();
      reject(new MatterapiError(`waitFor: no ${event} event came within ${timeout} ms`));
    }, timeout);
    ws.on(event, onEvent as (value: never) => unknown);
    ws.on("statechange", onState as (value: never) => unknown);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
