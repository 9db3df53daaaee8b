/** Runs one call under a deadline (the call's or the client's): past it, whatever failed is a DeadlineExceededError. */
import type { Outcome, RequestOptions } from "./api-promise.js";
import { CallDeadline } from "./deadline.js";
import type { Delivery, Endpoint, PathParams, Query } from "./endpoint.js";
import { DeadlineExceededError } from "./errors.js";
import { chunksOf, webStreamOf } from "./streams.js";

/** ClientCore's own pipeline (no deadline of its own); passed in once, not bound per call. */
export type Run = <T>(
  ep: Endpoint,
  path: PathParams,
  body: unknown,
  query: Query,
  options: RequestOptions | undefined,
  delivery: Delivery,
) => Promise<Outcome<T>>;

export async function withDeadline<T>(
  run: Run,
  deadline: number,
  ep: Endpoint,
  path: PathParams,
  body: unknown,
  query: Query,
  options: RequestOptions | undefined,
  delivery: Delivery,
): Promise<Outcome<T>> {
  const limit = new CallDeadline(deadline, options?.signal);
  const failure = (error: unknown) => {
    if (!limit.expired) return error;
    const { method, url } = error as { method?: string; url?: string };
    return new DeadlineExceededError(deadline, method ?? ep.method, url ?? ep.path, { cause: error });
  };
  let outcome: Outcome<T>;
  try {
    outcome = await run<T>(ep, path, body, query, { ...options, signal: limit.signal }, delivery);
  } catch (error) {
    limit.stop();
    throw failure(error);
  }
  const stream = outcome.stream;
  if (!stream) {
    limit.stop();
    return outcome;
  }
  // An unread body stays under the deadline until it is read, cancelled or failed.
  return {
    ...outcome,
    stream: () => webStreamOf(chunksOf(stream()), { finish: () => limit.stop(), mapError: failure }),
  };
}
