/**
 * Hostile event-stream servers on loopback for the WS hardening tests: each answers REST's /users/me (so the client's
 * "is it the token?" check has an answer) and /users/login, and treats the WebSocket upgrade as told: refuse it with
 * a status, never answer it, answer with a broken 101, accept it and never answer the auth check, or accept it and
 * run a script of raw frames and closes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export type UpgradeMode =
  | { kind: "refuse"; status: number }
  | { kind: "silent" }
  | { kind: "bad101" }
  | { kind: "noAuthReply" }
  | { kind: "script"; run: (peer: Peer) => void | Promise<void> };

/** The accepted side of one connection: raw frames out, the client's frames in. */
export interface Peer {
  socket: WebSocket;
  /** The upgrade's URL (with the resume query). */
  url: string;
  send(frame: string): void;
  /** A hello with this connection id (the auth reply was sent already). */
  hello(connectionId?: string): void;
  /** An event frame with this name, data and seq. */
  event(name: string, data: unknown, seq: number): void;
  close(code: number, reason?: string): void;
  /** The client's frames so far, parsed. */
  received: { action?: string; seq?: number; data?: unknown }[];
}

export interface HostileServer {
  url: string;
  /** Upgrades asked for, and the sizes of every frame received. */
  upgrades: number;
  upgradeUrls: string[];
  frameSizes: number[];
  /** Answers to POST /api/v4/users/login, in order (the last one repeats): a status, or "hang" (no answer). */
  logins: (number | "hang")[];
  loginCalls: number;
  /** How many of the next connections get FAIL (not authenticated) for their auth check. */
  authFailures: number;
  mode: UpgradeMode;
  close(): Promise<void>;
}

export async function startHostileServer(mode: UpgradeMode): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const state: HostileServer = {
    url: "",
    upgrades: 0,
    upgradeUrls: [],
    frameSizes: [],
    logins: [200],
    loginCalls: 0,
    authFailures: 0,
    mode,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url?.startsWith("/api/v4/users/login")) {
      const answer = state.logins[Math.min(state.loginCalls++, state.logins.length - 1)];
      if (answer === "hang") return;
      res.writeHead(answer, { "content-type": "application/json", ...(answer === 200 ? { token: "tok" } : {}) });
      res.end(JSON.stringify(answer === 200 ? { id: "u1" } : { id: "x", message: "no", status_code: answer }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: "u1", username: "bot" }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    state.upgrades++;
    state.upgradeUrls.push(req.url ?? "");
    const current = state.mode;
    if (current.kind === "refuse") {
      socket.end(`HTTP/1.1 ${current.status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (current.kind === "silent") return; // the socket stays open, nothing is ever written
    if (current.kind === "bad101") {
      socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Accept: bogus\r\n\r\n",
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const received: Peer["received"] = [];
      let authed = false;
      const peer: Peer = {
        socket: ws,
        url: req.url ?? "",
        received,
        send: (frame) => ws.send(frame),
        hello: (connectionId = "conn1") =>
          peer.event("hello", { connection_id: connectionId, server_version: "10" }, 0),
        event: (name, data, seq) =>
          ws.send(
            JSON.stringify({
              event: name,
              data,
              broadcast: { omit_users: null, user_id: "u1", channel_id: "", team_id: "" },
              seq,
            }),
          ),
        close: (code, reason) => ws.close(code, reason),
      };
      ws.on("message", (data) => {
        const text = String(data);
        state.frameSizes.push(Buffer.byteLength(text));
        const frame = JSON.parse(text) as Peer["received"][number];
        received.push(frame);
        if (current.kind === "noAuthReply") return;
        if (!authed) {
          authed = true;
          if (state.authFailures > 0) {
            state.authFailures--;
            const error = { id: "api.web_socket_router.not_authenticated.app_error", message: "not authenticated" };
            ws.send(JSON.stringify({ status: "FAIL", seq_reply: frame.seq, error }));
            return;
          }
          ws.send(JSON.stringify({ status: "OK", seq_reply: frame.seq }));
          if (current.kind === "script") void current.run(peer);
          return;
        }
        if (frame.action === "ping") ws.send(JSON.stringify({ status: "OK", seq_reply: frame.seq, data: {} }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Waits until the check holds, polling; fails after `ms`. */
export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}
