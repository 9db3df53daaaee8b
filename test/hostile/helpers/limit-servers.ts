/**
 * LIM: loopback servers that push the client's limits: a body that never ends, a body that drips a byte at a time,
 * a rate limiter with hostile Retry-After values, and a server that counts the TCP connections open at once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface LimitServer {
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** The most TCP connections open at the same time. */
  maxOpen: number;
  /** Requests received so far. */
  requests: number;
  /** Body bytes written so far (all answers). */
  bytesSent: number;
  /** Connections whose socket has closed. */
  closed: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, server: LimitServer) => void;

export async function startLimitServer(handler: Handler): Promise<LimitServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  const state: LimitServer = {
    url: "",
    connections: 0,
    maxOpen: 0,
    requests: 0,
    bytesSent: 0,
    closed: 0,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    state.requests++;
    req.resume();
    handler(req, res, state);
  });
  server.maxConnections = 100_000;
  server.on("connection", (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    state.maxOpen = Math.max(state.maxOpen, sockets.size);
    socket.on("close", () => {
      sockets.delete(socket);
      state.closed++;
    });
  });
  // Timers started by handlers are tracked here so close() stops them.
  (state as LimitServer & { track: (t: ReturnType<typeof setInterval>) => void }).track = (t) => timers.add(t);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", 1024, r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}

function track(server: LimitServer, timer: ReturnType<typeof setInterval>): void {
  (server as LimitServer & { track: (t: ReturnType<typeof setInterval>) => void }).track(timer);
}

/** A JSON answer that never ends: 64 KiB of spaces every few ms while the socket stays writable. */
export function endlessBody(declareLength?: number): Handler {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return (_req, res, server) => {
    res.writeHead(200, {
      "content-type": "application/json",
      ...(declareLength === undefined ? {} : { "content-length": String(declareLength) }),
    });
    res.write("[");
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) {
        clearInterval(timer);
        return;
      }
      // Only as fast as the client reads: a client that stopped reading stops the server too.
      while (res.write(chunk)) server.bytesSent += chunk.length;
      server.bytesSent += chunk.length;
    }, 2);
    track(server, timer);
    res.on("close", () => clearInterval(timer));
  };
}

/** Headers at once, then one byte of a JSON body every `everyMs` ms (forever unless `bytes` is given). */
export function drip(everyMs: number, contentType = "application/json"): Handler {
  return (_req, res, server) => {
    res.writeHead(200, { "content-type": contentType });
    res.write(" ");
    const timer = setInterval(() => {
      if (res.destroyed) {
        clearInterval(timer);
        return;
      }
      res.write(" ");
      server.bytesSent++;
    }, everyMs);
    track(server, timer);
    res.on("close", () => clearInterval(timer));
  };
}

/** 429 with these headers for the first `times` requests, then `{}`. */
export function rateLimited(headers: Record<string, string>, times = 1): Handler {
  return (_req, res, server) => {
    if (server.requests <= times) {
      res.writeHead(429, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify({ id: "api.context.rate_limited", message: "slow down", status_code: 429 }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  };
}

/** `{}` after `delayMs`, so that calls overlap. */
export function slowOk(delayMs: number): Handler {
  return (_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"OK"}');
    }, delayMs);
  };
}

/** A JSON answer of exactly `size` bytes (a string of x), with a Content-Length. */
export function sized(size: number): Handler {
  const body = Buffer.from(`"${"x".repeat(Math.max(0, size - 2))}"`);
  return (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
    res.end(body);
  };
}
