/**
 * Hostile loopback servers for the SyncClient and close() tests. A SyncClient blocks its thread, so a server it
 * calls must run in another thread: `inWorker` runs one in a worker thread of its own.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";

export interface Hostile {
  url: string;
  close(): Promise<void>;
}

/**
 * The behaviours (self-contained: the worker runs their source text):
 * - "silent": accepts the connection, reads the request, never answers (WebSocket upgrades included);
 * - "drip": sends the headers of a 10 MB download and a first chunk, then nothing.
 */
const BEHAVIOURS = {
  silent: (_req: IncomingMessage, _res: ServerResponse) => {},
  drip: (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "10000000" });
    res.write(Buffer.alloc(1024));
  },
};

export type Behaviour = keyof typeof BEHAVIOURS;

/** The server in this thread (for AsyncClient tests, which do not block it). */
export async function inThread(behaviour: Behaviour): Promise<Hostile> {
  const server: Server = createServer(BEHAVIOURS[behaviour]);
  server.on("upgrade", () => {}); // an upgrade is never answered either
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The server in a worker thread, so that a SyncClient in this thread can reach it. */
export async function inWorker(behaviour: Behaviour): Promise<Hostile> {
  const worker = new Worker(
    `const { createServer } = require("node:http");
     const { parentPort } = require("node:worker_threads");
     const server = createServer(${BEHAVIOURS[behaviour].toString()});
     server.on("upgrade", () => {});
     server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
    { eval: true },
  );
  const [port] = (await once(worker, "message")) as [number];
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await worker.terminate();
    },
  };
}
