/**
 * The SyncClient's worker thread: it owns an AsyncClient (and the sessions and streams opened through the
 * SyncClient), runs each request, posts the reply, and wakes the blocked calling thread through a shared flag.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import { AsyncClient } from "../client.js";
import type { Endpoint } from "../core/client-core.js";
import type { ValidationIssue } from "../core/errors.js";
import { splitArguments } from "../core/group.js";
import type { ClientOptions } from "../core/options.js";
import { groupTables } from "../generated/groups/index.js";
import type { MattermostWebSocket } from "../ws/client.js";
import type { AnyServerEvent } from "../ws/events.js";
import {
  type Call,
  decodeUploads,
  HEARTBEAT_MS,
  type Reply,
  type Request,
  reportDeath,
  SHARED_REPLY,
  STATUS,
  serializeError,
  WORKER,
} from "./protocol.js";

interface WorkerData {
  port: MessagePort;
  flag: Int32Array;
  status: Int32Array;
  options: ClientOptions & { reportIssues?: boolean };
}

const { port, flag, status, options } = workerData as WorkerData;

// The calling thread is blocked while it waits, so it cannot hear the Worker's "error" and "exit" events: a crash
// is written to shared memory, which it reads between the slices of its wait.
process.on("uncaughtException", (error) => {
  reportDeath(status, flag, `it crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
process.on("unhandledRejection", (error) => {
  reportDeath(status, flag, `it crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
process.on("exit", (code) => reportDeath(status, flag, `it exited with code ${code}`));
// A worker that is killed (terminate, out of memory) runs no code at all: its heartbeat stops.
setInterval(() => Atomics.add(status, STATUS.heartbeat, 1), HEARTBEAT_MS).unref();
const { reportIssues, ...clientOptions } = options;

let issues: ValidationIssue[] = [];
const hook = reportIssues ? (issue: ValidationIssue) => issues.push(issue) : undefined;
const client = new AsyncClient({ ...clientOptions, ...(hook ? { onValidationIssue: hook } : {}) });
const sessions = new Map<number, AsyncClient>();
const iterators = new Map<number, AsyncIterator<unknown>>();
const streams = new Map<number, Stream>();
let nextId = 1;

/** A stream's events, queued until the calling thread asks for them. */
class Stream {
  readonly events: AnyServerEvent[] = [];
  ended = false;
  error: unknown;
  #wake: (() => void) | undefined;

  constructor(readonly ws: MattermostWebSocket) {
    ws.on("*", (event) => {
      this.events.push(event);
      this.#wake?.();
    });
    ws.on("statechange", (state) => {
      if (state === "closed") {
        this.ended = true;
        this.#wake?.();
      }
    });
    ws.on("error", (error) => {
      this.error = error;
    });
  }

  /** Resolves when there is an event, the stream ended, or `ms` passed. */
  async wait(ms: number): Promise<void> {
    if (this.events.length > 0 || this.ended) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}

function endpoint(group: string, name: string): Endpoint {
  const entry = (groupTables as Record<string, Record<string, Endpoint | { iterate: string }>>)[group]?.[name];
  if (!entry || "iterate" in entry) throw new Error(`no operation ${group}.${name}`);
  return entry;
}

function target(request: { session?: number | undefined }): AsyncClient {
  if (request.session === undefined) return client;
  const session = sessions.get(request.session);
  if (!session) throw new Error(`the session was closed`);
  return session;
}

// biome-ignore lint/suspicious/noExplicitAny: groups and methods are looked up by name.
function method(owner: AsyncClient, group: string, name: string): (...args: any[]) => any {
  const fn = (owner as unknown as Record<string, Record<string, unknown>>)[group]?.[name];
  if (typeof fn !== "function") throw new Error(`no method ${group}.${name}`);
  return fn as (...args: unknown[]) => unknown;
}

/**
 * One operation. Its JSON text travels to the calling thread unparsed: a string crosses threads far cheaper than an
 * object graph, and the calling thread parses and validates it as the AsyncClient would.
 */
async function call([group, name, args, session]: Call): Promise<unknown> {
  const ep = endpoint(group, name);
  const { path, body, query, options } = splitArguments(ep, decodeUploads(args) as unknown[]);
  const outcome = await target({ session })._core.execute(ep, path, body, query, options, "text");
  return ep.response === "json" ? { text: outcome.data, contentType: outcome.contentType } : outcome.data;
}

async function handle(request: Request): Promise<unknown> {
  if (Array.isArray(request)) return call(request);
  switch (request.kind) {
    case "request": {
      const init = decodeUploads(request.init) as Record<string, unknown>;
      return target(request).request(request.method as "GET", request.path, init);
    }
    case "iterate": {
      const id = nextId++;
      const iterable = method(target(request), request.group, request.method)(...(request.args as unknown[]));
      iterators.set(id, (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator]());
      return id;
    }
    case "iterNext": {
      const iterator = iterators.get(request.iterator);
      if (!iterator) return { done: true, value: undefined };
      const result = await iterator.next();
      if (result.done) iterators.delete(request.iterator);
      return result;
    }
    case "iterReturn":
      await iterators.get(request.iterator)?.return?.();
      iterators.delete(request.iterator);
      return undefined;
    case "login":
      return target(request).login();
    case "token":
      return target(request).token;
    case "session": {
      const session = await client.session();
      const id = nextId++;
      sessions.set(id, session);
      return id;
    }
    case "closeSession": {
      const session = sessions.get(request.session);
      sessions.delete(request.session);
      await session?.close();
      return undefined;
    }
    case "wsStart": {
      const ws = target(request).websocket(request.options);
      const stream = new Stream(ws);
      if (request.wait !== undefined && !(await connectWithin(ws, request.wait))) return { id: undefined };
      if (request.wait === undefined) await ws.connect();
      const id = nextId++;
      streams.set(id, stream);
      return { id, connectionId: ws.connectionId };
    }
    case "wsNext": {
      const stream = streams.get(request.stream);
      if (!stream) return { events: [], ended: true };
      await stream.wait(request.wait);
      const events = stream.events.splice(0, request.max);
      const ended = stream.ended && stream.events.length === 0;
      if (ended) streams.delete(request.stream);
      return { events, ended, error: ended && stream.error ? serializeError(stream.error) : undefined };
    }
    case "wsStop":
      streams.get(request.stream)?.ws.close();
      streams.delete(request.stream);
      return undefined;
    case "close":
      for (const stream of streams.values()) stream.ws.close();
      await Promise.all([...sessions.values()].map((s) => s.close()));
      await client.close();
      return undefined;
    case "_fault":
      setTimeout(() => {
        if (request.fault === "exit") process.exit(3);
        if (request.fault === "throw") throw new Error("a fault injected by a test");
        for (;;); // hang: the event loop never turns again
      }, request.after).unref();
      return undefined;
  }
}

/** Connects, or gives up after `ms` (closing the stream): false. A failure to connect rejects as it would. */
async function connectWithin(ws: MattermostWebSocket, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
  });
  try {
    const connected = await Promise.race([ws.connect().then(() => true as const), late]);
    if (!connected) ws.close();
    return connected;
  } catch (error) {
    ws.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Where a JSON answer's text is written for the calling thread (see SHARED_REPLY in protocol.ts). */
const shared = Buffer.from(flag.buffer, SHARED_REPLY.offset);

function reply(message: Reply): void {
  if (issues.length > 0) {
    message.issues = issues;
    issues = [];
  }
  // A JSON answer goes through shared memory when it fits: no message to clone, no wake-up of the caller's loop.
  const value = message.value as { text?: unknown; contentType?: string } | undefined;
  if (message.ok && !message.issues && typeof value?.text === "string") {
    const head = `${value.contentType ?? ""}\n`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count the bytes only when that bound does not fit.
    const bound = 3 * (head.length + value.text.length);
    if (bound <= shared.length || Buffer.byteLength(head) + Buffer.byteLength(value.text) <= shared.length) {
      const headBytes = shared.write(head);
      const length = headBytes + shared.write(value.text, headBytes);
      Atomics.store(flag, SHARED_REPLY.length, length);
      Atomics.store(flag, 0, SHARED_REPLY.state);
      Atomics.notify(flag, 0);
      return;
    }
  }
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

// Tell the calling thread the worker is ready (it waits for this before its first request).
Atomics.store(status, STATUS.state, WORKER.ready);
Atomics.notify(status, STATUS.state);

port.on("message", (request: Request) => {
  handle(request).then(
    (value) => reply({ ok: true, value }),
    (error) => reply({ ok: false, error: serializeError(error) }),
  );
});
