/**
 * SyncClient: the AsyncClient's surface with no `await`. Each SyncClient owns one worker thread running an
 * AsyncClient; a call posts its request over a MessagePort and blocks on Atomics.wait until the worker has
 * answered, so values come back directly and errors are thrown with the same classes.
 *
 * Costs: one worker (about 10 MB and the import of matterapi, once per SyncClient) and a thread hop per call.
 */
import type { RawRequest } from "../client.js";
import type { ApiPromise, BinaryPromise, RequestOptions } from "../core/api-promise.js";
import { type Endpoint, type HttpMethod, readJson } from "../core/client-core.js";
import { SyncWorkerError, UsageError } from "../core/errors.js";
import { type ClientOptions, resolveOptions } from "../core/options.js";
import type { ResponseValidator, ValidationMode } from "../core/validation.js";
import { type Groups, groupTables } from "../generated/groups/index.js";
import type { WebSocketOptions } from "../ws/client.js";
import type { AnyServerEvent } from "../ws/events.js";
import { Channel } from "./channel.js";
import { type Call, encodeUploads, type Request, rebuildError, type SerializedError, type Target } from "./protocol.js";

/** How much longer than a deadline the calling thread waits for the worker's own answer before it gives up. */
const SLACK_MS = 2_000;
/** The longest a logout may take in close() (ClientCore's own bound). */
const LOGOUT_MS = 5_000;

/**
 * A method of the AsyncClient, blocking: a Promise of T becomes T (a download's bytes a Buffer), an async iterator
 * a plain iterator.
 */
export type SyncMethod<F> = F extends (...args: infer A) => BinaryPromise
  ? (...args: A) => Buffer
  : F extends (...args: infer A) => ApiPromise<infer R>
    ? (...args: A) => R
    : F extends (...args: infer A) => AsyncIterableIterator<infer I>
      ? (...args: A) => IterableIterator<I>
      : never;

export type SyncGroup<G> = { readonly [K in keyof G]: SyncMethod<G[K]> };

/** Every group of the AsyncClient, derived from its types so that the two cannot drift apart. */
export type SyncGroups = { readonly [K in keyof Groups]: SyncGroup<Groups[K]> };

export interface StartWsSyncOptions extends WebSocketOptions {
  /** Stop after this many ms (connecting included). */
  timeout?: number | undefined;
}

export interface SyncClient extends SyncGroups {}

export class SyncClient {
  readonly #channel: Channel;
  readonly #session: number | undefined;
  readonly #groups = new Map<string, unknown>();
  readonly #decoder: { mode: ValidationMode; validator: ResponseValidator };

  /** Same options as AsyncClient, except a custom transport or fetch (they cannot cross to the worker). */
  constructor(options: ClientOptions);
  /** @internal a session of an existing SyncClient */
  constructor(options: ClientOptions, channel: Channel, session: number);
  constructor(options: ClientOptions, channel?: Channel, session?: number) {
    if (channel) {
      this.#channel = channel;
      this.#session = session;
      this.#decoder = channel.decoder;
      return;
    }
    const resolved = resolveOptions(options); // the same checks as AsyncClient, here, with the caller's stack
    if (typeof options.transport === "object" || options.fetch) {
      throw new UsageError(
        "matterapi: the SyncClient runs its requests in a worker thread, so it cannot use a custom transport or fetch",
      );
    }
    this.#channel = new Channel(options, resolved);
    this.#decoder = this.#channel.decoder;
  }

  /** @internal */
  _call<T>(request: Exclude<Request, Call>, bound?: number): T {
    // Every request is a fresh literal: naming the session on it costs less than copying it.
    if (this.#session !== undefined) (request as Target).session = this.#session;
    return this.#channel.call<T>(request, bound);
  }

  /** @internal */
  _group(name: keyof typeof groupTables): unknown {
    let group = this.#groups.get(name);
    if (!group) {
      const methods: Record<string, unknown> = {};
      for (const [method, entry] of Object.entries(groupTables[name])) {
        methods[method] =
          "iterate" in entry
            ? (...args: unknown[]) => this.#iterate(name, method, args)
            : (...args: unknown[]) => this.#invoke(name, method, entry, args);
      }
      group = Object.freeze(methods);
      this.#groups.set(name, group);
    }
    return group;
  }

  /** One operation: the worker sends JSON answers back as text; they are parsed and validated here. */
  #invoke(group: string, method: string, ep: Endpoint, args: unknown[]): unknown {
    const options = args[args.length - 1] as RequestOptions | undefined;
    const perCall = options && typeof options === "object" ? options.deadline : undefined;
    const value = this.#channel.call<unknown>([group, method, encodeArgs(args), this.#session], this.#bound(perCall));
    if (ep.response === "binary") {
      const bytes = value as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    if (ep.response !== "json") return value;
    const { text, contentType } = value as { text: string; contentType?: string };
    const mode = (options && typeof options === "object" && options.validation) || this.#decoder.mode;
    return readJson(ep, text, contentType, mode, this.#decoder.validator);
  }

  /** With a deadline the worker fails the call in time; waiting far past it would only mean the worker is stuck. */
  #bound(perCall: unknown): number | undefined {
    const deadline = typeof perCall === "number" ? perCall : this.#channel.resolved.deadline;
    return deadline > 0 ? Date.now() + deadline + SLACK_MS : undefined;
  }

  #iterate(group: string, method: string, args: unknown[]): IterableIterator<unknown> {
    const id = this._call<number>({ kind: "iterate", group, method, args: encodeArgs(args) });
    const call = <T>(request: Request) => this.#channel.call<T>(request);
    return {
      next: () => call<IteratorResult<unknown>>({ kind: "iterNext", iterator: id }),
      return: (value?: unknown) => {
        call({ kind: "iterReturn", iterator: id });
        return { done: true, value };
      },
      [Symbol.iterator]() {
        return this;
      },
    };
  }

  /** The session token in use (after login for password auth). */
  get token(): string | undefined {
    return this._call({ kind: "token" });
  }

  /** Logs in now (password auth) instead of on the first call. */
  login(): string | undefined {
    return this._call({ kind: "login" });
  }

  /** Any HTTP call, as AsyncClient.request, blocking. */
  request<T = unknown>(method: HttpMethod, path: string, init: RawRequest<T> = {}): T {
    const encoded = encodeArgs([init])[0] as Record<string, unknown>;
    return this._call({ kind: "request", method, path, init: encoded }, this.#bound(init.deadline));
  }

  /**
   * A scoped client with the same surface, its own connection pool and login; closing it logs out.
   * `using s = sd.session()`, or `sd.session((s) => ...)` which closes it when the callback returns or throws.
   */
  session(): SyncSession;
  session<R>(use: (session: SyncSession) => R): R;
  session<R>(use?: (session: SyncSession) => R): SyncSession | R {
    if (this.#session !== undefined) throw new UsageError("a session cannot open sessions of its own");
    const id = this.#channel.call<number>({ kind: "session" });
    const session = new SyncSession({ url: "http://session" }, this.#channel, id);
    if (!use) return session;
    try {
      return use(session);
    } finally {
      session.close();
    }
  }

  /**
   * Python matterapi's start_ws_sync: blocks this thread and calls `handler` for each event of the stream, in
   * order, until it ends, `handler` returns false, `options.signal` is aborted (checked between events) or
   * `options.timeout` ms have passed. Same reconnect and resume as the async stream.
   */
  startWsSync(handler: (event: AnyServerEvent) => unknown, options: StartWsSyncOptions = {}): void {
    const { timeout, signal, ...wsOptions } = options;
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeout;
    const start = { kind: "wsStart" as const, options: wsOptions as Record<string, unknown>, wait: timeout };
    // Without a timeout, connecting is bounded by the stream's own connect timeout (and the worker's liveness).
    const { id } = this._call<{ id: number | undefined }>(
      start,
      timeout === undefined ? undefined : deadline + SLACK_MS,
    );
    if (id === undefined) return; // the timeout passed while it connected
    try {
      for (;;) {
        if (signal?.aborted || Date.now() >= deadline) return;
        const wait = Math.max(1, Math.min(250, deadline - Date.now()));
        const batch = this.#channel.call<{ events: AnyServerEvent[]; ended: boolean; error?: SerializedError }>(
          { kind: "wsNext", stream: id, wait, max: 1000 },
          Date.now() + wait + SLACK_MS,
        );
        for (const event of batch.events) {
          if (handler(event) === false) return;
          if (signal?.aborted) return;
        }
        if (batch.ended) {
          if (batch.error) throw rebuildError(batch.error);
          return;
        }
      }
    } finally {
      if (!this.#channel.closed) this.#channel.call({ kind: "wsStop", stream: id }, Date.now() + SLACK_MS);
    }
  }

  /**
   * Logs out (password auth), closes the connections and stops the worker, within the closeTimeout grace (plus
   * the logout's own bound). Safe to call twice.
   */
  close(): void {
    if (this.#channel.closed) return;
    const bound = Date.now() + this.#channel.resolved.closeTimeout + LOGOUT_MS + SLACK_MS;
    try {
      if (this.#session !== undefined) this.#channel.call({ kind: "closeSession", session: this.#session }, bound);
      else this.#channel.call({ kind: "close" }, bound);
    } catch (error) {
      // A worker that died or hung is stopped all the same: closing is done.
      if (!(error instanceof SyncWorkerError)) throw error;
    } finally {
      if (this.#session === undefined) this.#channel.terminate();
    }
  }

  /** @internal Tests only: makes the worker crash, exit or hang `after` ms from now. */
  _injectFault(fault: "throw" | "exit" | "hang", after: number): void {
    this.#channel.call({ kind: "_fault", fault, after });
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** A client from `syncClient.session()`: the same surface; close or dispose it to log out. */
export class SyncSession extends SyncClient {}

for (const name of Object.keys(groupTables) as (keyof typeof groupTables)[]) {
  Object.defineProperty(SyncClient.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: SyncClient) {
      return this._group(name);
    },
  });
}

/** Per-call options cross to the worker; an AbortSignal cannot (the thread is blocked): say so. */
function encodeArgs(args: unknown[]): unknown[] {
  const last = args[args.length - 1] as RequestOptions | undefined;
  if (last && typeof last === "object" && "signal" in last && last.signal !== undefined) {
    throw new UsageError("the SyncClient cannot take an AbortSignal per call (its thread is blocked); use timeout");
  }
  return encodeUploads(args) as unknown[];
}
