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
    // A CONNECT tunnel through the proxy (src/ws/proxy-tunnel.ts), bounded by the upgrade's own time limit.
    const { ProxyTunnelAgent } = await nodeOnly.proxyTunnel();
    agent = new ProxyTunnelAgent({
      proxy: options.proxy,
      secure: /^wss:/i.test(url),
      tls,
      timeout: options.handshakeTimeout,
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
  (socket as NodeWebSocket)[HANDLERS] = h;
  socket.on("open", onOpen);
  socket.on("message", onMessage);
  socket.on("ping", onFrame);
  socket.on("pong", onFrame);
  socket.on("close", onClose);
  socket.on("error", onError);
  return new NodeSocket(socket);
}

// Node's sockets share one listener per event (`this` is the socket, its handlers under a symbol) and one wrapper
// class: an idle stream then holds no closure per connection beyond what `ws` itself keeps.
const HANDLERS = Symbol("matterapi.handlers");
type NodeWebSocket = import("ws").WebSocket & { [HANDLERS]: SocketHandlers };

const handlersOf = (socket: import("ws").WebSocket) => (socket as NodeWebSocket)[HANDLERS];

function onOpen(this: import("ws").WebSocket): void {
  handlersOf(this).onOpen();
}
function onMessage(this: import("ws").WebSocket, data: import("ws").RawData): void {
  handlersOf(this).onMessage(String(data));
}
function onFrame(this: import("ws").WebSocket): void {
  handlersOf(this).onFrame();
}
function onClose(this: import("ws").WebSocket, code: number, reason: Buffer): void {
  handlersOf(this).onClose(code, String(reason));
}
function onError(this: import("ws").WebSocket, error: Error): void {
  handlersOf(this).onError(error);
}

class NodeSocket implements RawSocket {
  readonly native = true;
  constructor(private readonly socket: import("ws").WebSocket) {}
  send(text: string): void {
    this.socket.send(text);
  }
  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }
  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }
  terminate(): void {
    this.socket.terminate();
  }
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
