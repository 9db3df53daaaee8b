/** When to retry and how long to wait. Defaults are documented in the README ("Retries"). */
import { retryAfterSeconds } from "./retry-after.js";
import type { TransportResponse } from "./transport.js";

/** Statuses retried for idempotent methods (429 is retried for every method: the server did nothing). */
export const RETRYABLE_STATUSES = new Set([502, 503, 504]);

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

export const BACKOFF = { initial: 500, max: 8_000 };

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... up to 8 s, each shortened by up to 25% at random. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(BACKOFF.initial * 2 ** attempt, BACKOFF.max);
  return Math.round(base * (1 - 0.25 * random()));
}

/** The wait a 429 asks for (Retry-After, else X-RateLimit-Reset), in ms; undefined when it does not say. */
export function rateLimitDelay(res: TransportResponse): number | undefined {
  const headers: Record<string, string> = {};
  for (const name of ["retry-after", "x-ratelimit-reset"]) {
    const value = res.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const seconds = retryAfterSeconds(headers);
  return seconds === undefined ? undefined : Math.ceil(seconds * 1000);
}

/** The longest delay a timer can hold (2^31-1 ms, 24.8 days): a longer one fires at once in every runtime. */
export const MAX_TIMER = 2 ** 31 - 1;

/** A delay a timer can hold: longer waits are cut to 24.8 days (practically forever), never turned into 1 ms. */
export function clampTimer(ms: number): number {
  return Math.min(ms, MAX_TIMER);
}

/** Resolves after `ms` (clamped), or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, clampTimer(ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
