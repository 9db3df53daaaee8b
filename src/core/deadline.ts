/**
 * The overall `deadline` of a call: one timer for everything the call does (the wait for a slot, every attempt, the
 * waits between them, the whole body), felt through an AbortSignal that also follows the caller's own signal.
 * Off by default, so a call without one pays nothing for it.
 */
import { clampTimer } from "./retry.js";

const ENDS = new WeakMap<AbortSignal, number>();

/** ms left before the deadline felt through `signal`; Infinity when it carries none. */
export function timeLeft(signal: AbortSignal | undefined): number {
  const end = signal === undefined ? undefined : ENDS.get(signal);
  return end === undefined ? Number.POSITIVE_INFINITY : end - Date.now();
}

export class CallDeadline {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #caller: AbortSignal | undefined;
  readonly #forward = () => this.#controller.abort(this.#caller?.reason);
  expired = false;

  constructor(ms: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    ENDS.set(this.#controller.signal, Date.now() + ms);
    this.#timer = setTimeout(() => {
      this.expired = true;
      this.#controller.abort(new Error(`deadline of ${ms} ms passed`));
    }, clampTimer(ms));
    // The call's own sockets and timers keep the process alive while it runs; this timer alone should not.
    (this.#timer as { unref?: () => void }).unref?.();
    if (caller?.aborted) this.#controller.abort(caller.reason);
    else caller?.addEventListener("abort", this.#forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The call is over: no more timer, no more listener on the caller's signal. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#forward);
  }
}
