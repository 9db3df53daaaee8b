/**
 * What every operation returns: a Promise of the data, plus `.withResponse()` for the status, headers and
 * request id, and (binary operations) `.stream()` to read the body without buffering it.
 *
 * The request starts in a microtask after the call, so `.stream()` chained right after the call can still ask for
 * the unread body; awaiting the promise parses (and validates) it.
 */
import type { ValidationMode } from "./validation.js";

/** Per-call options; each overrides the client's option of the same name for this call only. */
export interface RequestOptions {
  /** Aborts the call (and its retries and waits). */
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait for the answer to start and between chunks of it; 0 waits forever. */
  timeout?: number | undefined;
  /** ms this call may take in all (retries, waits, the whole body); 0 sets none. Default: the client's `deadline`. */
  deadline?: number | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** Retries for this call. */
  maxRetries?: number | undefined;
  /** Response validation for this call. */
  validation?: ValidationMode | undefined;
}

/** What came back besides the data. */
export interface ResponseInfo {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Mattermost's X-Request-Id, to quote in a bug report or find in the server log. */
  requestId: string | undefined;
  method: string;
  url: string;
}

export interface Outcome<T> {
  data: T;
  response: ResponseInfo;
  /** Set when the body was left unread (raw mode): the body as it arrives; a failure is a matterapi error. */
  stream?: () => ReadableStream<Uint8Array>;
  /** The answer's Content-Type, when a JSON answer is handed over as text (text mode). */
  contentType?: string;
}

/** Runs the request; `raw` leaves the body unread for streaming. */
export type Runner<T> = (raw: boolean) => Promise<Outcome<T>>;

export class ApiPromise<T> extends Promise<T> {
  static override get [Symbol.species]() {
    return Promise;
  }

  #runner: Runner<T>;
  #outcome: Promise<Outcome<T>> | undefined;
  #raw = false;

  constructor(runner: Runner<T>) {
    super((resolve) => resolve(undefined as T));
    this.#runner = runner;
    // Like a plain async call, an error nobody awaits surfaces as an unhandled rejection, never silently.
    queueMicrotask(() => void this.#run());
  }

  #run(): Promise<Outcome<T>> {
    this.#outcome ??= this.#runner(this.#raw);
    return this.#outcome;
  }

  /** Asks for the body to be left unread, if the request has not started yet. */
  protected preferRaw(): Promise<Outcome<T>> {
    if (!this.#outcome) this.#raw = true;
    return this.#run();
  }

  // biome-ignore lint/suspicious/noThenProperty: this is a Promise.
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#run().then(
      onfulfilled ? (outcome) => onfulfilled(outcome.data) : (outcome) => outcome.data as unknown as R1,
      onrejected,
    );
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }

  /** The data together with the status, headers and request id. */
  withResponse(): Promise<{ data: T; response: ResponseInfo }> {
    return this.#run().then(({ data, response }) => ({ data, response }));
  }
}

/** A binary download: awaiting gives the bytes; `.stream()` gives the body as it arrives. */
export class BinaryPromise extends ApiPromise<Uint8Array> {
  /** The body as a web ReadableStream (Node: `Readable.fromWeb(stream)` to pipe it into a file). */
  stream(): Promise<ReadableStream<Uint8Array>> {
    return this.preferRaw().then((outcome) => {
      if (outcome.stream) return outcome.stream();
      const bytes = outcome.data;
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    });
  }
}
