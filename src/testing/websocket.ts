/**
 * The fake server's event stream at /api/v4/websocket, following the server's implementation (api4/websocket.go,
 * app/platform/web_conn.go and web_hub.go, wsapi/): auth at the upgrade or by challenge, `hello` with a
 * connection_id, a per-connection `seq`, replies matched by `seq_reply`, and reliable resume: the last 128 sent
 * events are kept (dead queue) and events produced while the client is away wait in a 256-message send queue.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { requestToken } from "./cookies.js";
import type { Broadcast, Env } from "./env.js";
import { isValidId, newId } from "./ids.js";

export interface WebSocketOptions {
  /** Close a socket that has not authenticated within this many ms (server: about 5 s). */
  authTimeout: number;
  /** Send a ping frame this often (ms; server: 60 s). */
  pingInterval: number;
  /** Close a socket whose pong has not come within this many ms of a ping (server: 100 s). */
  pongTimeout: number;
}

interface ServerEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: Required<Broadcast> & { connection_id: string; omit_connection_id: string };
  seq?: number;
}

const DEAD_QUEUE = 128;
const SEND_QUEUE = 256;

/** One client connection's state, which outlives its socket so that the client can resume. */
class Connection {
  readonly id = newId();
  seq = 0;
  readonly dead: ServerEvent[] = [];
  pending: ServerEvent[] = [];
  socket: WebSocket | undefined;
  /** The send queue overflowed while the client was away: a resume must start over. */
  lost = false;

  constructor(
    readonly userId: string,
    /** The session the connection runs on: a resume may bring a new one (after the client logged in again). */
    public token: string,
  ) {}
}

export class WebSocketHub {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024, autoPong: false });
  readonly #connections = new Map<string, Connection>();
  readonly #sockets = new Set<WebSocket>();
  #silent = false;
  #refusing = false;

  constructor(
    private readonly env: Env,
    private readonly options: WebSocketOptions,
  ) {}

  /** Connection states kept for resume (connected or not). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Sockets open right now. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#refusing) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    this.env.stats.webSockets++;
    this.#sockets.add(ws);
    ws.on("close", () => this.#sockets.delete(ws));
    ws.on("error", () => {});
    const url = new URL(req.url ?? "/", "http://fake");
    // api4/websocket.go: an empty connection_id is a new connection, as if none was given.
    const requestedId = url.searchParams.get("connection_id") || null;
    const sequence = url.searchParams.get("sequence_number");
    // api4/websocket.go: a malformed connection_id or sequence_number gets the upgrade, then an immediate close.
    if (requestedId !== null && (!isValidId(requestedId) || sequence === null || !/^\d+$/.test(sequence))) {
      ws.terminate();
      return;
    }
    const token = this.#tokenOf(req);
    const userId = token ? this.#userOf(token) : undefined;
    this.#keepAlive(ws);
    if (userId && token) {
      this.#open(ws, userId, token, requestedId, sequence === null ? undefined : Number(sequence));
      return;
    }
    // Not authenticated at the upgrade: wait for the challenge, close when the auth timer fires.
    const timer = setTimeout(() => ws.terminate(), this.options.authTimeout);
    let connection: Connection | undefined;
    ws.on("message", (raw: RawData) => {
      const message = parse(raw);
      if (!message) return;
      if (!connection) {
        if (message.action !== "authentication_challenge") {
          // wsapi/websocket_router.go: anything else before authentication fails.
          this.#reply(ws, message.seq, "FAIL", undefined, {
            id: "api.web_socket_router.not_authenticated.app_error",
            message: "WebSocket connection is not authenticated. Please log in and try again.",
            status_code: 401,
          });
          return;
        }
        const challengeToken = typeof message.data?.token === "string" ? message.data.token : "";
        const owner = this.#userOf(challengeToken);
        if (!owner) {
          // A missing or bad token: the socket is closed at once, without a reply or a close code.
          ws.terminate();
          return;
        }
        clearTimeout(timer);
        // A challenge-authenticated connection always starts fresh (the server needs the session at the upgrade).
        connection = this.#open(ws, owner, challengeToken, null, undefined, false);
        this.#reply(ws, message.seq, "OK");
        return;
      }
      // A challenge on an authenticated socket gets no reply at all.
      if (message.action !== "authentication_challenge") this.#action(connection, ws, message);
    });
    ws.on("close", () => clearTimeout(timer));
  }

  #open(
    ws: WebSocket,
    userId: string,
    token: string,
    requestedId: string | null,
    sequence: number | undefined,
    listen = true,
  ): Connection {
    const previous = requestedId ? this.#connections.get(requestedId) : undefined;
    let connection: Connection;
    let hello = true;
    if (previous && previous.userId === userId && !previous.socket && !previous.lost) {
      connection = previous;
      if (sequence === 0) {
        // sequence_number=0 skips the resume logic: no replay, no hello, seq starts again.
        connection.seq = 0;
        connection.dead.length = 0;
        connection.pending = [];
        hello = false;
      } else if (sequence !== undefined && this.#canResume(connection, sequence)) {
        hello = false;
      } else {
        connection = new Connection(userId, token);
      }
    } else {
      connection = new Connection(userId, token);
    }
    this.#connections.set(connection.id, connection);
    connection.token = token;
    connection.socket = ws;
    ws.on("close", () => {
      if (connection.socket === ws) connection.socket = undefined;
    });
    if (listen) {
      ws.on("message", (raw: RawData) => {
        const message = parse(raw);
        if (message && message.action !== "authentication_challenge") this.#action(connection, ws, message);
      });
    }
    if (hello) {
      this.#deliver(connection, {
        event: "hello",
        data: {
          server_version: this.env.serverVersion,
          connection_id: connection.id,
          server_hostname: "matterapi-fake",
        },
        broadcast: broadcastOf({ user_id: userId }),
      });
    } else {
      // Replay what the client missed from the dead queue (with its original seq), then what waited.
      for (const event of connection.dead) {
        if ((event.seq ?? -1) >= (sequence ?? 0) && !this.#silent) ws.send(JSON.stringify(event));
      }
      const waiting = connection.pending;
      connection.pending = [];
      for (const event of waiting) this.#deliver(connection, event);
    }
    return connection;
  }

  /** Whether every event from `sequence` on is still here (dead queue, then the send queue). */
  #canResume(connection: Connection, sequence: number): boolean {
    if (sequence > connection.seq) return false; // the client claims events never sent
    if (sequence === connection.seq) return true; // nothing missed
    const oldest = connection.dead[0]?.seq;
    return oldest !== undefined && sequence >= oldest;
  }

  #deliver(connection: Connection, event: ServerEvent): void {
    const socket = connection.socket;
    if (!socket || socket.readyState !== socket.OPEN) {
      if (connection.lost) return;
      connection.pending.push(event);
      if (connection.pending.length > SEND_QUEUE) {
        // The send queue overflowed: the server drops the connection, and the next resume gets a new hello.
        connection.lost = true;
        connection.pending = [];
      }
      return;
    }
    const sent = { ...event, seq: connection.seq++ };
    connection.dead.push(sent);
    if (connection.dead.length > DEAD_QUEUE) connection.dead.shift();
    // A silent server still "sends" (into a black hole): the event counts as sent and waits in the dead queue.
    if (!this.#silent) socket.send(JSON.stringify(sent));
  }

  /** Sends an event to every connection the broadcast selects (whose session is still valid). */
  publish(
    event: string,
    data: Record<string, unknown>,
    broadcast: Broadcast,
    perUser?: (userId: string, data: Record<string, unknown>) => Record<string, unknown>,
  ): void {
    const { store } = this.env;
    const members = broadcast.channel_id ? new Set(store.channelMemberIds(broadcast.channel_id)) : undefined;
    for (const connection of this.#connections.values()) {
      const { userId } = connection;
      // An expired or revoked session stops getting events; its socket stays open.
      if (!this.#userOf(connection.token)) continue;
      if (broadcast.omit_users?.[userId]) continue;
      if (broadcast.user_id && broadcast.user_id !== userId) continue;
      if (members && !members.has(userId)) continue;
      if (broadcast.team_id && !store.isTeamMember(broadcast.team_id, userId)) continue;
      this.#deliver(connection, {
        event,
        data: perUser ? perUser(userId, data) : data,
        broadcast: broadcastOf(broadcast),
      });
    }
  }

  #action(connection: Connection, ws: WebSocket, message: ClientMessage): void {
    const { store } = this.env;
    const seq = message.seq;
    if (typeof seq !== "number" || !Number.isInteger(seq) || seq <= 0) {
      this.#reply(ws, 0, "FAIL", undefined, {
        id: "api.web_socket_router.bad_seq.app_error",
        message: "Invalid sequence for WebSocket message.",
        status_code: 400,
      });
      return;
    }
    if (!this.#userOf(connection.token)) {
      // The session expired or was revoked: the socket stays, but every request fails (wsapi/websocket_router.go).
      this.#reply(ws, seq, "FAIL", undefined, {
        id: "api.web_socket_router.not_authenticated.app_error",
        message: "WebSocket connection is not authenticated. Please log in and try again.",
        status_code: 401,
      });
      return;
    }
    const data = message.data ?? {};
    switch (message.action) {
      case "ping":
        this.#reply(ws, seq, "OK", {
          text: "pong",
          version: this.env.serverVersion,
          server_time: Date.now(),
          node_id: "",
        });
        return;
      case "user_typing": {
        const channelId = typeof data.channel_id === "string" ? data.channel_id : "";
        if (!store.isChannelMember(channelId, connection.userId)) {
          this.#reply(ws, seq, "FAIL", undefined, {
            id: "api.websocket_handler.invalid_param.app_error",
            message: "Invalid channel_id parameter.",
            status_code: 400,
          });
          return;
        }
        this.publish(
          "typing",
          { parent_id: typeof data.parent_id === "string" ? data.parent_id : "", user_id: connection.userId },
          { channel_id: channelId, omit_users: { [connection.userId]: true } },
        );
        this.#reply(ws, seq, "OK");
        return;
      }
      case "get_statuses": {
        const statuses: Record<string, string> = {};
        for (const status of store.statuses.values()) statuses[status.user_id] = status.status;
        this.#reply(ws, seq, "OK", statuses);
        return;
      }
      case "get_statuses_by_ids": {
        const ids = Array.isArray(data.user_ids) ? data.user_ids : [];
        const statuses: Record<string, string> = {};
        for (const id of ids) {
          const status = store.statuses.get(String(id));
          if (status) statuses[status.user_id] = status.status;
        }
        this.#reply(ws, seq, "OK", statuses);
        return;
      }
      case "user_update_active_status": {
        const status = store.statuses.get(connection.userId);
        if (status && data.user_is_active === true && !status.manual) {
          status.status = "online";
          status.last_activity_at = store.now();
        }
        this.#reply(ws, seq, "OK");
        return;
      }
      case "posted_notify_ack":
        this.#reply(ws, seq, "OK");
        return;
      default:
        this.#reply(ws, seq, "FAIL", undefined, {
          id: "api.web_socket_router.no_action.app_error",
          message: "No websocket action.",
          status_code: 501,
        });
    }
  }

  #reply(
    ws: WebSocket,
    seq: number | undefined,
    status: "OK" | "FAIL",
    data?: unknown,
    error?: Record<string, unknown>,
  ): void {
    // Replies omit seq_reply when it is 0 and data when it is empty (model/websocket_message.go).
    const reply: Record<string, unknown> = { status };
    if (seq) reply.seq_reply = seq;
    if (data !== undefined && !(typeof data === "object" && data !== null && Object.keys(data).length === 0))
      reply.data = data;
    if (error) reply.error = { detailed_error: "", request_id: "", ...error };
    if (ws.readyState === ws.OPEN && !this.#silent) ws.send(JSON.stringify(reply));
  }

  /** Ping frames every pingInterval; no pong within pongTimeout closes the socket. Silence stops both sides. */
  #keepAlive(ws: WebSocket): void {
    let lastPong = Date.now();
    ws.on("pong", () => {
      lastPong = Date.now();
    });
    ws.on("ping", (payload: Buffer) => {
      if (!this.#silent && ws.readyState === ws.OPEN) ws.pong(payload);
    });
    const timer = setInterval(() => {
      if (this.#silent) return;
      if (Date.now() - lastPong > this.options.pongTimeout) {
        ws.terminate();
        return;
      }
      if (ws.readyState === ws.OPEN) ws.ping();
    }, this.options.pingInterval);
    timer.unref();
    ws.on("close", () => clearInterval(timer));
  }

  /** The session token at the upgrade, in the server's order: the MMAUTHTOKEN cookie, then the header (cookies.ts). */
  #tokenOf(req: IncomingMessage): string | undefined {
    const found = requestToken(req, new URL(req.url ?? "/", "http://fake"));
    return found?.location === "query" ? undefined : found?.token;
  }

  #userOf(token: string): string | undefined {
    return this.env.store.activeSession(token)?.user_id;
  }

  /** Fault control: closes every socket with this code (1006: drops them without a close frame). */
  closeAll(code = 1001): void {
    for (const ws of this.#sockets) {
      if (code === 1006) ws.terminate();
      else ws.close(code);
    }
  }

  /** Fault control: forgets every connection, as a restarted server would, and drops the sockets. */
  forgetConnections(): void {
    this.#connections.clear();
    this.closeAll(1006);
  }

  /** Fault control: a silent server (a network black hole): nothing goes out, not even pongs or replies. */
  silence(on: boolean): void {
    this.#silent = on;
  }

  /** Fault control: refuse (or accept again) new WebSocket connections, as a server that is down. */
  refuse(on: boolean): void {
    this.#refusing = on;
  }

  close(): void {
    for (const ws of this.#sockets) ws.terminate();
    this.#wss.close();
  }
}

interface ClientMessage {
  action?: string;
  seq?: number;
  data?: Record<string, unknown>;
}

function parse(raw: RawData): ClientMessage | undefined {
  try {
    const value = JSON.parse(raw.toString());
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
}

function broadcastOf(b: Broadcast): ServerEvent["broadcast"] {
  return {
    omit_users: b.omit_users ?? null,
    user_id: b.user_id ?? "",
    channel_id: b.channel_id ?? "",
    team_id: b.team_id ?? "",
    connection_id: "",
    omit_connection_id: "",
  } as ServerEvent["broadcast"];
}
