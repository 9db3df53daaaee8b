/**
 * SyncClient: the AsyncClient's surface with no `await`. Each SyncClient owns one worker thread running an
 * AsyncClient; a call posts its request over a MessagePort and blocks on Atomics.wait until the worker has
 * answered, so values come back directly and errors are thrown with the same classes.
 *
 * Costs: one worker (about 10 MB and the import of matterapi, once per SyncClient) and a thread hop per call.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { RawRequest } from "../client.js";
import type { ApiPromise, BinaryPromise, RequestOptions } from "../core/api-promise.js";
import { type Endpoint, type HttpMethod, readJson } from "../core/client-core.js";
import { UsageError } from "../core/errors.js";
import { type ClientOptions, resolveOptions } from "../core/options.js";
import { provideValidator, ResponseValidator, type ValidationMode, validatorLoaded } from "../core/validation.js";
import { type Groups, groupTables } from "../generated/groups/index.js";
import type { WebSocketOptions } from "../ws/client.js";
import type { AnyServerEvent } from "../ws/events.js";
import {
  type Call,
  encodeUploads,
  type Reply,
  type Request,
  rebuildError,
  type SerializedError,
  SHARED_REPLY,
  type Target,
} from "./protocol.js";

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
  /** Stop after this many ms (checked between events). */
  timeout?: number | undefined;
}

/** The worker: the bundle's sync-worker.js next to this module, or (from the TypeScript sources) worker.ts via tsx. */
function startWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
  for (const candidate of ["./sync-worker.js", "../sync-worker.js"]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return new Worker(url, options);
  }
  // Tests and tsx run the sources: a worker does not inherit the TypeScript loader, so it registers it itself.
  const source = new URL("./worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Loads the schema compiler synchronously (the AsyncClient imports it lazily, which a blocked thread cannot wait
 * for): through require, from TypeBox's CommonJS build.
 */
function loadValidatorNow(): void {
  if (validatorLoaded()) return;
  const require = createRequire(import.meta.url);
  provideValidator(require("@sinclair/typebox"), require("@sinclair/typebox/compiler"));
}

/** The thread hop, shared by a SyncClient and its sessions. */
class Channel {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag = new Int32Array(new SharedArrayBuffer(SHARED_REPLY.offset + SHARED_REPLY.bytes));
  readonly #shared = Buffer.from(this.#flag.buffer, SHARED_REPLY.offset);
  #ready = false;
  readonly #onIssue: ClientOptions["onValidationIssue"];
  /** Validation happens on the calling thread, where the answers are parsed. */
  readonly decoder: { mode: ValidationMode; validator: ResponseValidator };
  closed = false;

  constructor(options: ClientOptions) {
    const { onValidationIssue, ...rest } = options;
    this.#onIssue = onValidationIssue;
    this.decoder = { mode: options.validation ?? "lenient", validator: new ResponseValidator(onValidationIssue) };
    const channel = new MessageChannel();
    this.#port = channel.port1;
    this.#worker = startWorker({
      workerData: {
        port: channel.port2,
        flag: this.#flag,
        options: { ...rest, reportIssues: Boolean(onValidationIssue) },
      },
      transferList: [channel.port2],
    });
    // An idle SyncClient must not keep the process alive; calls block the thread anyway.
    this.#worker.unref();
    this.#port.unref();
    this.#worker.on("error", () => {
      this.closed = true;
    });
  }

  call<T>(request: Request): T {
    if (this.closed) throw new UsageError("the SyncClient is closed");
    if (!this.#ready) {
      // The first call waits for the worker to load matterapi (once per SyncClient).
      if (Atomics.wait(this.#flag, 1, 0, 60_000) === "timed-out" && Atomics.load(this.#flag, 1) === 0) {
        this.terminate();
        throw new UsageError("the SyncClient's worker did not start within 60 s");
      }
      this.#ready = true;
    }
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage(request);
    Atomics.wait(this.#flag, 0, 0);
    if (Atomics.load(this.#flag, 0) === SHARED_REPLY.state) {
      const text = this.#shared.toString("utf8", 0, Atomics.load(this.#flag, SHARED_REPLY.length));
      const newline = text.indexOf("\n");
      return { text: text.slice(newline + 1), contentType: text.slice(0, newline) || undefined } as T;
    }
    let message: { message: Reply } | undefined;
    for (;;) {
      message = receiveMessageOnPort(this.#port) as { message: Reply } | undefined;
      if (message) break;
      Atomics.wait(this.#flag, 0, 0, 10);
    }
    const reply = message.message;
    if (reply.issues && this.#onIssue) for (const issue of reply.issues) this.#onIssue(issue);
    if (!reply.ok) throw rebuildError(reply.error as SerializedError);
    return reply.value as T;
  }

  terminate(): void {
    this.closed = true;
    void this.#worker.terminate();
  }
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
    resolveOptions(options); // the same checks as AsyncClient, here, with the caller's stack
    if (typeof options.transport === "object" || options.fetch) {
      throw new UsageError(
        "matterapi: the SyncClient runs its requests in a worker thread, so it cannot use a custom transport or fetch",
      );
    }
    this.#channel = new Channel(options);
    this.#decoder = this.#channel.decoder;
  }

  /** @internal */
  _call<T>(request: Exclude<Request, Call>): T {
    // Every request is a fresh literal: naming the session on it costs less than copying it.
    if (this.#session !== undefined) (request as Target).session = this.#session;
    return this.#channel.call<T>(request);
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
    const value = this.#channel.call<unknown>([group, method, encodeArgs(args), this.#session]);
    if (ep.response === "binary") {
      const bytes = value as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    if (ep.response !== "json") return value;
    const { text, contentType } = value as { text: string; contentType?: string };
    const options = args[args.length - 1] as RequestOptions | undefined;
    const mode = (options && typeof options === "object" && options.validation) || this.#decoder.mode;
    if (ep.schema && mode !== "off") loadValidatorNow();
    return readJson(ep, text, contentType, mode, this.#decoder.validator);
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
    return this._call({ kind: "request", method, path, init: encodeArgs([init])[0] as Record<string, unknown> });
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
    const { id } = this._call<{ id: number }>({ kind: "wsStart", options: wsOptions as Record<string, unknown> });
    try {
      for (;;) {
        if (signal?.aborted || Date.now() >= deadline) return;
        const wait = Math.max(1, Math.min(250, deadline - Date.now()));
        const batch = this.#channel.call<{ events: AnyServerEvent[]; ended: boolean; error?: SerializedError }>({
          kind: "wsNext",
          stream: id,
          wait,
          max: 1000,
        });
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
      if (!this.#channel.closed) this.#channel.call({ kind: "wsStop", stream: id });
    }
  }

  /** Logs out (password auth), closes the connections and stops the worker. Safe to call twice. */
  close(): void {
    if (this.#channel.closed) return;
    if (this.#session !== undefined) {
      this.#channel.call({ kind: "closeSession", session: this.#session });
      return;
    }
    try {
      this.#channel.call({ kind: "close" });
    } finally {
      this.#channel.terminate();
    }
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
