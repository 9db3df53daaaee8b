/** A real HTTP(S) server on a free loopback port, counting TCP connections, for transport tests. */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect as netConnect, type Socket } from "node:net";

export interface TestServer {
  url: string;
  port: number;
  connections: number;
  requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage & { body: Buffer }, res: ServerResponse) => void | Promise<void>;

export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const state: TestServer = {
    url: "",
    port: 0,
    connections: 0,
    requests: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    state.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    try {
      await handler(Object.assign(req, { body }), res);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  server.on(tls ? "secureConnection" : "connection", (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.port = (server.address() as { port: number }).port;
  state.url = `${tls ? "https" : "http"}://127.0.0.1:${state.port}`;
  return state;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export interface TestProxy {
  url: string;
  tunnels: string[];
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** An HTTP CONNECT proxy (what undici's ProxyAgent speaks). */
export async function startProxy(): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const proxy = createHttpServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  const state: TestProxy = {
    url: "",
    tunnels: [],
    authorizations: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
  proxy.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    state.tunnels.push(req.url ?? "");
    state.authorizations.push(req.headers["proxy-authorization"]);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = netConnect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  return state;
}
