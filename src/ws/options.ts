/**
 * The event stream's options (validated at construction, with their defaults), its lifecycle events, and the REST
 * side it needs from its client.
 */
import type { RawRequest } from "../client.js";
import type { ClientCore } from "../core/client-core.js";
import { UsageError } from "../core/errors.js";
import type { CheckpointStore } from "./checkpoints/types.js";
import type { WebSocketConstructor } from "./socket.js";

export type WebSocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface WebSocketOptions {
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean | undefined;
  /** First wait before reconnecting, ms (default 500); doubles each failed attempt, with up to 25% jitter. */
  initialReconnectDelay?: number | undefined;
  /** Longest wait between attempts, ms (default 30000). */
  maxReconnectDelay?: number | undefined;
  /** Give up after this many failed attempts in a row (default: never). */
  maxReconnectAttempts?: number | undefined;
  /**
   * How long `connect()` waits for the stream to open (upgrade answered, credentials accepted), retrying inside it,
   * and how long each reconnect attempt may take, ms (default 30000).
   */
  connectTimeout?: number | undefined;
  /** The largest frame accepted from the server, bytes (default 16 MiB; Node's `ws` only). Larger: reported, skipped. */
  maxFrameSize?: number | undefined;
  /** Probe the connection when nothing has arrived for this long, ms (default 30000). */
  pingInterval?: number | undefined;
  /** Declare the connection dead when nothing arrives this long after a probe, ms (default 10000). */
  pongTimeout?: number | undefined;
  /** How long an action waits for its reply, ms (default 10000). */
  actionTimeout?: number | undefined;
  /** After lost events, fetch the window's posts over REST and deliver them as recovered `posted` events. */
  catchUp?: boolean | undefined;
  /**
   * Where to record, per channel, the last post delivered and handled (a post is handled when its listeners'
   * promises resolved and every iterator asked for the next event), so that a restarted process catches up from
   * there. Implies `catchUp`; events are then handed out one at a time. Default: none.
   */
  checkpoint?: CheckpointStore | undefined;
  /** "header" (Authorization at the upgrade; needed for resume), "challenge", or "auto" (default: header on Node). */
  authMode?: "auto" | "header" | "challenge" | undefined;
  /**
   * A browser-style WebSocket constructor to use (a polyfill, React Native's, Deno's); the client then
   * authenticates by challenge. Default: the `ws` package on Node, the global WebSocket elsewhere.
   */
  WebSocket?: WebSocketConstructor | undefined;
  /** Stop the stream (as close()) when this aborts. */
  signal?: AbortSignal | undefined;
}

/** When the server started over and the events of a window are lost. */
export interface MissedSignal {
  /**
   * Where the loss may start: the server's create_at (epoch ms) of the newest post received, or the local time of
   * the first connect when no post was received yet.
   */
  since: number;
  /** When the new hello came, on the same clock as `since` (the server's, estimated, once a post was seen). */
  until: number;
  previousConnectionId: string;
  connectionId: string;
  /** The seq of the last event received on the lost connection. */
  lastSeq: number;
}

/** A connection that closed: the code and reason the server sent (1006 and "" when it just went away). */
export interface CloseInfo {
  code: number;
  reason: string;
}

export interface LifecycleEvents {
  statechange: (state: WebSocketState) => void;
  missed: (signal: MissedSignal) => void;
  close: (info: CloseInfo) => void;
  error: (error: Error) => void;
}

/** The names `on()` gives to lifecycle listeners; the server's events of the same names reach only `*`. */
export const LIFECYCLE = new Set<string>(["statechange", "missed", "close", "error"]);

/** The REST side the stream needs: its core (token, login, options) and calls for catch-up. */
export interface StreamHost {
  readonly _core: ClientCore;
  request<T>(method: "GET", path: string, init?: RawRequest<T>): PromiseLike<T>;
}

/** Every option set (undefined ones fell back to their defaults), except the signal and the constructor. */
export type ResolvedOptions = {
  [K in Exclude<keyof WebSocketOptions, "signal" | "WebSocket" | "checkpoint">]-?: Exclude<
    WebSocketOptions[K],
    undefined
  >;
} & Pick<WebSocketOptions, "WebSocket" | "checkpoint">;

const DURATIONS = [
  "initialReconnectDelay",
  "maxReconnectDelay",
  "connectTimeout",
  "pingInterval",
  "pongTimeout",
  "actionTimeout",
] as const;

const OTHERS = [
  "reconnect",
  "maxReconnectAttempts",
  "maxFrameSize",
  "catchUp",
  "checkpoint",
  "authMode",
  "signal",
  "WebSocket",
];

/** Node's timers fire at once past this (a 32-bit overflow): longer waits are clamped to it. */
export const MAX_TIMER = 2 ** 31 - 1;

export function resolveOptions(options: WebSocketOptions): ResolvedOptions {
  for (const key of Object.keys(options)) {
    if (!(DURATIONS as readonly string[]).includes(key) && !OTHERS.includes(key))
      throw new UsageError(`matterapi: websocket option ${key} is not an option`);
  }
  for (const key of [...DURATIONS, "maxFrameSize"] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "number" || !(value > 0)))
      throw new UsageError(`matterapi: websocket option ${key} must be a positive number`);
  }
  // The defaults are the prototype and only the options given are own properties: every stream holds one of these.
  return Object.assign(
    Object.create(DEFAULT_OPTIONS),
    Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  ) as ResolvedOptions;
}

// Not frozen: a frozen prototype's properties could not be overridden by assignment. A plain literal (no spread,
// which a bundler cannot prove free of side effects) so that a bundle without the event stream can drop it.
const DEFAULT_OPTIONS: Omit<ResolvedOptions, "WebSocket" | "checkpoint"> = {
  initialReconnectDelay: 500,
  maxReconnectDelay: 30_000,
  connectTimeout: 30_000,
  pingInterval: 30_000,
  pongTimeout: 10_000,
  actionTimeout: 10_000,
  reconnect: true,
  maxReconnectAttempts: Infinity,
  maxFrameSize: 16 * 1024 * 1024,
  catchUp: false,
  authMode: "auto" as const,
};

/** setTimeout with the delay clamped to what timers can hold. */
export function timer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(fn, Math.min(ms, MAX_TIMER));
}
