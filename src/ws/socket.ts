/**
 * One WebSocket, whatever the runtime: the `ws` package on Node (headers at the upgrade, TLS and proxy options,
 * ping frames), the native WebSocket elsewhere (no headers: the client authenticates by challenge).
 */
import { nodeOnly } from "../core/node-only.js";
import type { ProxyOptions, TlsOptions } from "../core/transports/undici.js";

export interface SocketHandlers {
  onOpen(): void;
  onMessage(text: string): void;
  /** A ping or pong frame (Node only): proof of life without a message. */
  onFrame(): void;
  onClose(code: number, reason: string): void;
  onError(error: Error): void;
}

export interface RawSocket {
  /** Whether headers (Authorization at the upgrade) and ping frames are available. */
  readonly native: boolean;
  send(text: string): void;
  /** Sends a ping frame where the runtime allows it. */
  ping(): void;
  close(code?: number, reason?: string): void;
  /** Drops the connection at once. */
  terminate(): void;
}

/** A browser-style WebSocket constructor: `new WebSocket(url)`, with onopen, onmessage, onclose, onerror. */
export type WebSocketConstructor = new (url: string) => WebSocket;

export interface SocketOptions {
  headers: Record<string, string>;
  /** Use this constructor (the browser path: no headers, no ping frames) instead of choosing. */
  WebSocket?: WebSocketConstructor | undefined;
  tls?: TlsOptions | undefined;
  proxy?: ProxyOptions | undefined;
  /** How long the upgrade may take, ms (Node). */
  handshakeTimeout: number;
  /** The largest frame accepted, bytes (Node): a larger one closes the socket with 1009 and an error. */
  maxPayload: number;
}

type WsModule = typeof import("ws");
let wsModule: Promise<WsModule | undefined> | undefined;

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> } };
  return Boolean(g.process?.versions?.node);
}

async function nodeWs(): Promise<WsModule | undefined> {
  wsModule ??= isNode() ? nodeOnly.ws().catch(() => undefined) : Promise.resolve(undefined);
  return wsModule;
}

export async function openSocket(url: string, options: SocketOptions, handlers: SocketHandlers): Promise<RawSocket> {
  if (options.WebSocket) return openNative(options.WebSocket, url, handlers);
  const ws = await nodeWs();
  if (ws) return openNode(ws, url, options, handlers);
  const Native = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (!Native) throw new Error("no WebSocket implementation: install the `ws` package or run where WebSocket exists");
  return openNative(Native, url, handlers);
}

async function openNode(ws: WsModule, url: string, options: SocketOptions, h: SocketHandlers): Promise<RawSocket> {
  const tls = options.tls;
  let agent: import("node:http").Agent | undefined;
  if (options.proxy) {
    const { HttpsProxyAgent } = await nodeOnly.httpsProxyAgent();
    agent = new HttpsProxyAgent(options.proxy.url, {
      ...(options.proxy.authorization ? { headers: { "Proxy-Authorization": options.proxy.authorization } } : {}),
      ...(tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(tls?.ca ? { ca: tls.ca as string | string[] } : {}),
    });
  }
  const socket = new ws.WebSocket(url, {
    headers: options.headers,
    agent,
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    ...(tls?.ca ? { ca: tls.ca as string | string[] } : {}),
    ...(tls?.cert ? { cert: tls.cert as string, key: tls.key as string } : {}),
    perMessageDeflate: false,
    handshakeTimeout: options.handshakeTimeout,
    maxPayload: options.maxPayload,
  });
  socket.on("open", () => h.onOpen());
  socket.on("message", (data) => h.onMessage(String(data)));
  socket.on("ping", () => h.onFrame());
  socket.on("pong", () => h.onFrame());
  socket.on("close", (code, reason) => h.onClose(code, String(reason)));
  socket.on("error", (error) => h.onError(error));
  return {
    native: true,
    send: (text) => socket.send(text),
    ping: () => {
      if (socket.readyState === socket.OPEN) socket.ping();
    },
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
  };
}

function openNative(Native: WebSocketConstructor, url: string, h: SocketHandlers): RawSocket {
  const socket = new Native(url);
  socket.onopen = () => h.onOpen();
  socket.onmessage = (event) => h.onMessage(String(event.data));
  socket.onclose = (event) => h.onClose(event.code, event.reason);
  socket.onerror = () => h.onError(new Error("WebSocket error"));
  return {
    native: false,
    send: (text) => socket.send(text),
    ping: () => {},
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.close(),
  };
}
