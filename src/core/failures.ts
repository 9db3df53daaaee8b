/** Which error a failed attempt becomes, and whether it may be tried again. */
import { crossOriginPage } from "./browser.js";
import {
  ApiError,
  ConnectionError,
  CorsError,
  type MatterapiError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseTooLargeError,
} from "./errors.js";
import { isIdempotent } from "./retry.js";
import { TransportError } from "./transport.js";

/** The error for what a transport threw (already scrubbed of secrets, and not an abort by close()). */
export function connectionFailure(
  error: unknown,
  method: string,
  url: string,
  timeout: number,
  signal: AbortSignal | undefined,
  maxResponseBytes: number,
): MatterapiError {
  if (error instanceof TransportError) {
    if (error.kind === "abort" || signal?.aborted) return new RequestAbortedError(method, url, { cause: error });
    if (error.kind === "timeout") return new RequestTimeoutError(timeout, method, url, { cause: error });
    if (error.kind === "cors") {
      return new CorsError(crossOriginPage(url) ?? "another origin", method, url, { cause: error });
    }
    if (error.kind === "too-large") {
      return new ResponseTooLargeError(maxResponseBytes, method, url, { cause: error });
    }
    return new ConnectionError(error.message, method, url, { cause: error });
  }
  if (signal?.aborted) return new RequestAbortedError(method, url, { cause: error });
  return new ConnectionError((error as Error)?.message ?? String(error), method, url, { cause: error });
}

/** A connection failure (not a timeout) of an idempotent request with a body that can be sent again. */
export function mayRetry(
  failure: MatterapiError,
  attempt: number,
  maxRetries: number,
  replayable: boolean,
  method: string,
): boolean {
  return (
    failure instanceof ConnectionError &&
    !(failure instanceof RequestTimeoutError) &&
    !(failure instanceof CorsError) &&
    !(failure instanceof ResponseTooLargeError) &&
    attempt < maxRetries &&
    replayable &&
    isIdempotent(method)
  );
}

/**
 * The 429 a call fails with at once when the client-wide pause outlasts what it may wait: its timeout (`bound`,
 * 0 for none) or what is left of its deadline (`left`). Undefined when it may wait the pause out.
 */
export function pauseTooLong(
  wait: number,
  bound: number,
  left: number,
  method: string,
  url: string,
): ApiError | undefined {
  if (!((bound > 0 && wait > bound) || wait > left)) return undefined;
  const limit =
    wait > left ? `what is left of its deadline (${Math.max(0, Math.round(left))} ms)` : `its ${bound} ms timeout`;
  return ApiError.from({
    status: 429,
    method,
    url,
    body: undefined,
    text: `not sent: a 429 answer paused the client for ${Math.ceil(wait)} ms more, longer than ${limit}`,
    headers: { "retry-after": String(Math.ceil(wait / 1000)) },
  });
}
