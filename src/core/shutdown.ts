/** What close() needs: the abort of calls still in flight after closeTimeout, and waits bounded in time. */
import { RequestAbortedError } from "./errors.js";

/** The error of a call that close() aborted, naming the closeTimeout it outlasted. */
export function closedAbort(method: string, url: string, cause: unknown, closeTimeout: number): RequestAbortedError {
  const error = new RequestAbortedError(method, url, { cause });
  error.message = `request aborted by close() after the ${closeTimeout} ms closeTimeout (${method} ${url})`;
  return error;
}

/** Whether `promise` settles within `ms` (0: only if it already has). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.min(ms, 2 ** 31 - 1));
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A signal that aborts when either does (AbortSignal.any is missing before Node 20.3). */
export function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  if (a.aborted || b.aborted) controller.abort(a.aborted ? a.reason : b.reason);
  a.addEventListener("abort", abort(a), { once: true });
  b.addEventListener("abort", abort(b), { once: true });
  return controller.signal;
}
