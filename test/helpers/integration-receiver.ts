/**
 * For the fake server's integration tests: an integration as a plain node:http server (each request answered by
 * the next queued handler, or a default), and a raw WebSocket that collects a user's events.
 */
import type { ServerResponse } from "node:http";
import WebSocket from "ws";
import { type Handler, startServer, type TestServer } from "./http-server.js";

export interface Receiver extends TestServer {
  /** Answers the next request with this handler (then the default again). */
  next(handler: Handler): void;
  /** Resolves with the n-th request (1-based) once it has arrived, or fails after `ms`. */
  request(n: number, ms?: number): Promise<TestServer["requests"][number]>;
}

export async function startReceiver(fallback: Handler = (_req, res) => void res.end()): Promise<Receiver> {
  const queue: Handler[] = [];
  const server = await startServer((req, res) => (queue.shift() ?? fallback)(req, res));
  return Object.assign(server, {
    next: (handler: Handler) => void queue.push(handler),
    request: (n: number, ms = 5_000) => until(() => server.requests[n - 1], ms, `request ${n} to the receiver`),
  });
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Polls `get` until it gives a value; fails after `ms`. */
export async function until<T>(
  get: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: raw protocol messages.
export type Event = { event: string; data: Record<string, any>; broadcast: Record<string, any> };

/** A user's event stream (token auth at the upgrade): each `wait` takes the first matching event not taken yet. */
export interface Events {
  events: Event[];
  wait(event: string, match?: (e: Event) => boolean, ms?: number): Promise<Event>;
  close(): void;
}

export async function openEvents(url: string, token: string): Promise<Events> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/v4/websocket`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const events: Event[] = [];
  const taken = new Set<Event>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (message.event) events.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  await until(() => events.find((e) => e.event === "hello"), 5_000, "hello");
  return {
    events,
    close: () => ws.close(),
    wait: async (event, match = () => true, ms = 5_000) => {
      const found = await until(
        () => events.find((e) => e.event === event && !taken.has(e) && match(e)),
        ms,
        `event ${event}`,
      );
      taken.add(found);
      return found;
    },
  };
}
