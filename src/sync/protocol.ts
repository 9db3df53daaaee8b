/**
 * What the SyncClient and its worker say to each other: requests and replies (structured-cloned over a
 * MessagePort), errors rebuilt as the same classes on the calling thread, and uploads that cannot be cloned as
 * they are (a path, a named file) turned into plain data and back.
 */
import * as errors from "../core/errors.js";
import { UsageError, type ValidationIssue } from "../core/errors.js";
import { fromPath, isNamedFile, toFile } from "../core/uploads.js";
import { WebSocketActionError, WebSocketAuthError } from "../ws/client.js";

/** Which client a request is for: the SyncClient's own, or one of its sessions. */
export interface Target {
  session?: number;
}

/**
 * One operation, the hot path: a tuple, because an array of a few values is cloned to the worker and rebuilt there
 * measurably faster than an object with named fields (bench/sync.mjs).
 */
export type Call = [group: string, method: string, args: unknown[], session: number | undefined];

export type Request =
  | Call
  | (Target & { kind: "request"; method: string; path: string; init: Record<string, unknown> })
  | (Target & { kind: "iterate"; group: string; method: string; args: unknown[] })
  | { kind: "iterNext"; iterator: number }
  | { kind: "iterReturn"; iterator: number }
  | (Target & { kind: "login" })
  | (Target & { kind: "token" })
  | { kind: "session" }
  | { kind: "closeSession"; session: number }
  /** `wait`: ms to wait for the connection before giving up (startWsSync's timeout); none: as long as it takes. */
  | (Target & { kind: "wsStart"; options: Record<string, unknown>; wait?: number | undefined })
  | { kind: "wsNext"; stream: number; wait: number; max: number }
  | { kind: "wsStop"; stream: number }
  | { kind: "close" }
  /** Tests only: makes the worker fail `after` ms from now, as a crash, an exit or a hang would. */
  | { kind: "_fault"; fault: "throw" | "exit" | "hang"; after: number };

/**
 * The memory the two threads share: Int32 slots [0] reply state (0 waiting, 1 a message on the port, 2 a JSON
 * answer in shared memory), [1] unused, [2] the length of the shared answer; then the answer's bytes: its content
 * type, a newline, its text.
 */
export const SHARED_REPLY = { state: 2, length: 2, offset: 16, bytes: 1 << 20 };

/**
 * The worker's health, in a buffer of its own (the reply buffer may be mid-read when the worker dies): Int32 slots
 * [0] its state (WORKER below), [1] a heartbeat the worker bumps every HEARTBEAT_MS, [2] the length of the reason;
 * then the reason (UTF-8) why it could not start or died.
 */
export const STATUS = { state: 0, heartbeat: 1, length: 2, offset: 12, bytes: 4096 };
export const WORKER = { starting: 0, ready: 1, dead: 2 };
/** How often the worker's heartbeat beats, and how long it may stay still before the worker counts as hung. */
export const HEARTBEAT_MS = 100;
export const STALL_MS = 5_000;

/** Records why the worker died (or could not start) and wakes the calling thread, whatever it waits for. */
export function reportDeath(status: Int32Array, flag: Int32Array | undefined, reason: string): void {
  if (Atomics.load(status, STATUS.state) === WORKER.dead) return;
  const bytes = Buffer.from(status.buffer, STATUS.offset);
  const length = bytes.write(reason.slice(0, STATUS.bytes / 3));
  Atomics.store(status, STATUS.length, length);
  Atomics.store(status, STATUS.state, WORKER.dead);
  Atomics.notify(status, STATUS.state);
  if (flag) Atomics.notify(flag, 0);
}

export function deathReason(status: Int32Array): string {
  const bytes = Buffer.from(status.buffer, STATUS.offset);
  return bytes.toString("utf8", 0, Atomics.load(status, STATUS.length)) || "it stopped";
}

export interface Reply {
  ok: boolean;
  value?: unknown;
  error?: SerializedError;
  /** Validation issues raised while answering, for the calling thread's onValidationIssue hook. */
  issues?: ValidationIssue[];
}

export interface SerializedError {
  className: string;
  message: string;
  stack?: string;
  props: Record<string, unknown>;
}

/** Every error class matterapi throws, by name: what the calling thread rebuilds. */
const CLASSES: Record<string, new (...args: never[]) => Error> = {};
for (const value of [...Object.values(errors), WebSocketAuthError, WebSocketActionError]) {
  if (typeof value === "function" && value.prototype instanceof Error) {
    CLASSES[value.name] = value as unknown as new (...args: never[]) => Error;
  }
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { className: "Error", message: String(error), props: {} };
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== "cause" && typeof value !== "function") props[key] = value;
  }
  const className = Object.hasOwn(CLASSES, error.constructor.name) ? error.constructor.name : "Error";
  return { className, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), props };
}

/** The same class, fields and message as in the worker, with the calling thread's stack. */
export function rebuildError(serialized: SerializedError): Error {
  const cls = CLASSES[serialized.className] ?? Error;
  const error = Object.create(cls.prototype) as Error;
  Object.assign(error, serialized.props);
  Object.defineProperty(error, "message", { value: serialized.message, writable: true, configurable: true });
  const here = new Error(serialized.message).stack?.split("\n").slice(1).join("\n") ?? "";
  Object.defineProperty(error, "stack", {
    value: `${serialized.props.name ?? cls.name}: ${serialized.message}\n${here}`,
    writable: true,
    configurable: true,
  });
  return error;
}

const MARK = "__matterapiUpload";

/** Turns named files (fromPath, toFile) into cloneable data; refuses streams, which cannot cross threads. */
export function encodeUploads(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object" || onlyPrimitives(value)) return value;
  if (isNamedFile(value)) {
    if ("stream" in value.origin) {
      throw new UsageError("the SyncClient cannot send a stream: pass bytes, a Blob, or fromPath(path)");
    }
    return { [MARK]: true, name: value.name, type: value.type, origin: value.origin };
  }
  if (isStreamLike(value))
    throw new UsageError("the SyncClient cannot send a stream: pass bytes, a Blob, or fromPath(path)");
  if (Array.isArray(value)) return value.map((v) => encodeUploads(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value; // bytes, Blobs, dates: cloned as they are
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeUploads(v, depth + 1)]));
}

export function decodeUploads(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object" || onlyPrimitives(value)) return value;
  const marked = value as {
    [MARK]?: true;
    name: string;
    type?: string;
    origin: { path: string } | { content: Uint8Array };
  };
  if (marked[MARK]) {
    return "path" in marked.origin
      ? fromPath(marked.origin.path, { name: marked.name, type: marked.type })
      : toFile(marked.origin.content, marked.name, { type: marked.type });
  }
  if (Array.isArray(value)) return value.map((v) => decodeUploads(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeUploads(v, depth + 1)]));
}

/** Most calls pass only ids and names: nothing to walk. */
function onlyPrimitives(value: object): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (item !== null && typeof item === "object") return false;
  return true;
}

function isStreamLike(value: object): boolean {
  return (
    (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) ||
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  );
}
