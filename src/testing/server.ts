/**
 * createTestServer(): an in-process fake of the core of Mattermost (HTTP and WebSocket) on a free loopback port,
 * seeded with users, a bot, a team and channels. Stateful, with the server's status codes, error ids and JSON
 * shapes; every JSON answer, and every record an event carries, is checked against the generated models (strict)
 * before it is sent. An operation it does not implement answers 501 naming the operation, never a fake success.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Endpoint } from "../core/client-core.js";
import { ResponseValidator } from "../core/validation.js";
import { groupTables } from "../generated/groups/index.js";
import { operations } from "../generated/operations.js";
import { AppErrorReply, Errors } from "./app-error.js";
import { isXmlHttpRequest, passesCsrf, removedSessionCookie, requestToken, sessionCookies } from "./cookies.js";
import { type CorsOptions, CorsPolicy, sameHostSocket } from "./cors.js";
import type { Broadcast, Env, Stats } from "./env.js";
import { checkEvent } from "./event-shapes.js";
import { registerFiles } from "./handlers/files.js";
import { type IntegrationHelpers, type IntegrationOptions, registerIntegrations } from "./handlers/integrations.js";
import { registerPosts } from "./handlers/posts.js";
import { registerTeamsAndChannels } from "./handlers/teams-channels.js";
import { registerUsers } from "./handlers/users.js";
import { type Context, matchTemplate, type Reply, Router } from "./router.js";
import { type ChannelRecord, Store, type TeamRecord, type UserRecord } from "./store.js";
import { WebSocketHub, type WebSocketOptions } from "./websocket.js";

export interface TestServerOptions {
  /**
   * Check every JSON answer (and every record an event carries) against the generated models; a mismatched answer
   * is a 500, and every mismatch is recorded in `invalidResponses`. Default true.
   */
  validateResponses?: boolean | undefined;
  /** Server version reported in headers and `hello`. Default "10.11.0". */
  serverVersion?: string | undefined;
  /** WebSocket timings (ms): authTimeout 5000, pingInterval 60000, pongTimeout 100000 by default. */
  webSocket?: { [K in keyof WebSocketOptions]?: WebSocketOptions[K] | undefined } | undefined;
  /** Serve HTTPS and WSS with this certificate and key (PEM), to test TLS options. */
  tls?: { key: string; cert: string } | undefined;
  /** Slash commands, webhooks, actions and dialogs: the server's timeout for integrations, and its override settings. */
  integrations?: IntegrationOptions | undefined;
  /**
   * Cross-origin access, as ServiceSettings.AllowCorsFrom, CorsExposedHeaders and CorsAllowCredentials set it
   * (cors.ts). Without it, as on a server without AllowCorsFrom: no CORS headers, preflights are 404s, and a
   * WebSocket upgrade from a page of another host is refused (403).
   */
  cors?: CorsOptions | undefined;
  /**
   * ServiceSettings.ExperimentalStrictCSRFEnforcement: a cookie-authenticated request other than a GET must send
   * X-CSRF-Token (otherwise `X-Requested-With: XMLHttpRequest` is enough). Default false, as on the server.
   */
  strictCsrf?: boolean | undefined;
  /**
   * Pages served outside /api/ (a browser test's page and scripts, from the server's own origin): the page for a
   * path, or undefined for the server's 404.
   */
  pages?: ((path: string) => TestPage | undefined) | undefined;
}

/** A page (or script) the fake server serves for `pages`. */
export interface TestPage {
  body: string | Uint8Array;
  contentType: string;
  headers?: Record<string, string> | undefined;
}

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  /** A personal access token of this user. */
  token: string;
}

/** What the next matching requests get instead of a normal answer. */
export type Fault =
  | { status: number; retryAfter?: number | undefined; body?: string | Record<string, unknown> | undefined }
  | { delay: number }
  | { drop: "before-answer" | "mid-answer" };

export interface FaultMatch {
  method?: string | undefined;
  /** A path (exact) or a pattern the path must match. */
  path?: string | RegExp | undefined;
}

export interface Faults {
  /** The next `count` requests (that match) get `fault`. Queued faults apply in order. */
  next(count: number, fault: Fault, match?: FaultMatch): void;
  /** Drops every queued fault. */
  clear(): void;
  /** Closes every WebSocket with this close code (1006: dropped without a close frame). */
  closeWebSockets(code?: number): void;
  /** Forgets every WebSocket connection, as after a restart: a resume gets a new hello. */
  forgetConnections(): void;
  /** Makes the WebSocket side silent, as a network black hole: nothing goes out (events still count as sent). */
  silenceWebSockets(on?: boolean): void;
  /** Refuses new WebSocket connections (a server that is down) until called with false. */
  refuseWebSockets(on?: boolean): void;
  /** Expires one session (by token), or every session of every user. */
  expireSession(token?: string): void;
  /** Gives every record made until called with false the same millisecond (posts made at once on a busy server). */
  freezeClock(on?: boolean): void;
}

export interface TestServer {
  /** Site URL, e.g. http://127.0.0.1:41234. */
  url: string;
  /** A system admin, with a password and a personal access token. */
  admin: TestUser;
  /** A regular user, member of the team and its channels. */
  user: TestUser;
  /** A user with MFA on: log in with `totp(mfaSecret)` from "matterapi/testing". */
  mfaUser: TestUser & { mfaSecret: string };
  /** A bot user and its access token. */
  bot: { id: string; username: string; token: string };
  team: { id: string; name: string; display_name: string };
  channels: { townSquare: ChannelInfo; offTopic: ChannelInfo; general: ChannelInfo; private: ChannelInfo };
  stats: Readonly<Stats>;
  faults: Faults;
  /** Answers and event records that failed the server's own schema check (should stay empty). */
  invalidResponses: string[];
  /** Operation ids the fake implements. */
  implemented: ReadonlySet<string>;
  /** How many requests each implemented operation answered (any status). */
  served: ReadonlyMap<string, number>;
  /** The state, for tests that need to look or reach in. */
  store: Store;
  /** WebSocket connections kept for resume, and sockets open. */
  webSockets(): { connections: number; open: number };
  /** Sends an event on the stream, as the server would (for events the fake does not produce itself). */
  publish(event: string, data: Record<string, unknown>, broadcast?: Broadcast): void;
  /** Runs a slash command as a user typing it in the webapp would (POST /commands/execute): its status and body. */
  runSlashCommand: IntegrationHelpers["runSlashCommand"];
  /** Clicks a button (or picks a menu option) of a post, as POST /posts/{id}/actions/{action_id}: status and body. */
  clickAction: IntegrationHelpers["clickAction"];
  /** Submits (or cancels) a dialog the user has open, as the webapp does: status and body (status 0: nothing sent). */
  submitDialog: IntegrationHelpers["submitDialog"];
  /** What the server would have logged about integrations (an invalid dialog, a failed webhook call). */
  integrationWarnings: readonly string[];
  /** Resolves when the outgoing webhook calls in flight have settled. */
  integrationsIdle(): Promise<void>;
  close(): Promise<void>;
}

export interface ChannelInfo {
  id: string;
  name: string;
  display_name: string;
}

const PLUGINS = {
  active: [
    {
      id: "com.mattermost.calls",
      name: "Calls",
      description: "Voice calls and screen sharing.",
      version: "1.3.2",
      webapp: { bundle_path: "webapp/dist/main.js" },
    },
    {
      id: "playbooks",
      name: "Playbooks",
      description: "Checklists for recurring work.",
      version: "2.0.1",
      webapp: { bundle_path: "webapp/dist/main.js" },
    },
  ],
  inactive: [
    { id: "com.mattermost.plugin-todo", name: "Todo", description: "A list of things to do.", version: "0.7.1" },
  ],
};

export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = new Store();
  const stats: Stats = { logins: 0, logouts: 0, connections: 0, requests: 0, webSockets: 0 };
  const serverVersion = options.serverVersion ?? "10.11.0";
  const validate = options.validateResponses ?? true;
  const invalidResponses: string[] = [];
  const validator = new ResponseValidator((issue) =>
    invalidResponses.push(`${issue.operation} ${issue.path}: ${issue.expected}`),
  );

  const router = new Router();
  let hub: WebSocketHub | undefined;
  const env: Env = {
    store,
    stats,
    serverVersion,
    plugins: PLUGINS,
    publish: (event, data, broadcast, perUser) => {
      // The records an event carries are checked like answers (the per-receiver additions are plain values).
      if (validate) invalidResponses.push(...checkEvent(validator, event, data));
      hub?.publish(event, data, broadcast, perUser);
    },
  };
  hub = new WebSocketHub(env, {
    authTimeout: options.webSocket?.authTimeout ?? 5_000,
    pingInterval: options.webSocket?.pingInterval ?? 60_000,
    pongTimeout: options.webSocket?.pongTimeout ?? 100_000,
  });
  registerUsers(router, env);
  registerTeamsAndChannels(router, env);
  registerPosts(router, env);
  registerFiles(router, env);
  const integrations = registerIntegrations(router, env, options.integrations);
  const seed = seedState(store);

  const endpoints = new Map<string, Endpoint>();
  for (const table of Object.values(groupTables)) {
    for (const entry of Object.values(table)) if ("id" in entry) endpoints.set(entry.id, entry);
  }

  const served = new Map<string, number>();
  const queued: { fault: Fault; match?: FaultMatch | undefined }[] = [];
  const takeFault = (method: string, path: string): Fault | undefined => {
    const at = queued.findIndex(({ match }) => {
      if (match?.method && match.method.toUpperCase() !== method) return false;
      if (typeof match?.path === "string") return match.path === path;
      return !match?.path || match.path.test(path);
    });
    return at < 0 ? undefined : queued.splice(at, 1)[0].fault;
  };

  const cors = options.cors ? new CorsPolicy(options.cors) : undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    // rs/cors wraps the whole router: a preflight is answered before any handler (cors.ts).
    if (cors?.handle(req, res)) return;
    const requestId = randomUUID().replace(/-/g, "").slice(0, 26);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);

    const fault = takeFault(method, url.pathname);
    if (fault && "delay" in fault) await new Promise((r) => setTimeout(r, fault.delay));
    else if (fault && "drop" in fault) {
      if (fault.drop === "mid-answer") {
        // Headers and half a body, then the connection goes away.
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"id":"partial","message":"the connection is about to drop');
        await new Promise((r) => setTimeout(r, 20));
      }
      req.socket.destroy();
      return;
    } else if (fault && "status" in fault) {
      send(res, faultReply(fault, requestId), requestId, serverVersion);
      return;
    }

    const matched = router.match(method, url.pathname);
    let reply: Reply;
    try {
      if (!matched) throw notImplemented(method, url.pathname);
      served.set(matched.route.operationId, (served.get(matched.route.operationId) ?? 0) + 1);
      const ctx = context(req, url, matched.params, body, requestId, store, options.strictCsrf ?? false);
      reply = await matched.route.handler(ctx);
      browserSession(req, res, matched.route.operationId, reply, store, Boolean(options.tls));
      const endpoint = endpoints.get(matched.route.operationId);
      if (validate && endpoint?.schema && reply.json !== undefined) {
        try {
          validator.check(endpoint.schema, reply.json, "strict", matched.route.operationId);
        } catch (error) {
          invalidResponses.push(`${matched.route.operationId}: ${(error as Error).message}`);
          throw new AppErrorReply(500, "matterapi.testing.invalid_response", (error as Error).message);
        }
      }
    } catch (error) {
      if (!(error instanceof AppErrorReply)) {
        reply = {
          status: 500,
          json: new AppErrorReply(500, "matterapi.testing.handler_failed", String(error)).body(requestId),
        };
      } else reply = { status: error.status, json: error.body(requestId) };
    }
    send(res, reply, requestId, serverVersion);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (options.pages && servePage(options.pages, req, res)) return;
    handle(req, res).catch((error) => {
      if (!res.headersSent)
        send(res, { status: 500, json: { id: "matterapi.testing.crash", message: String(error) } }, "", serverVersion);
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
  const sockets = new Set<Socket>();
  server.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://fake").pathname !== "/api/v4/websocket") socket.destroy();
    // api4/websocket.go: the upgrader's CheckOrigin is the app's OriginChecker (cors.ts); gorilla answers 403.
    else if (!(cors ? cors.allowsSocket(req, siteUrl()) : sameHostSocket(req))) {
      socket.end(
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n\r\nForbidden\n",
      );
    } else hub?.handleUpgrade(req, socket, head);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  integrations.setSiteUrl(`${options.tls ? "https" : "http"}://127.0.0.1:${port}`);
  function siteUrl(): string {
    return `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  }

  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    ...seed,
    stats,
    invalidResponses,
    implemented: router.operationIds(),
    served,
    store,
    webSockets: () => ({ connections: hub?.connectionCount ?? 0, open: hub?.openSockets ?? 0 }),
    publish: (event, data, broadcast = {}) => hub?.publish(event, data, broadcast),
    runSlashCommand: integrations.runSlashCommand,
    clickAction: integrations.clickAction,
    submitDialog: integrations.submitDialog,
    integrationWarnings: integrations.warnings,
    integrationsIdle: integrations.idle,
    faults: {
      next: (count, fault, match) => {
        for (let i = 0; i < count; i++) queued.push({ fault, match });
      },
      clear: () => {
        queued.length = 0;
      },
      closeWebSockets: (code) => hub?.closeAll(code),
      forgetConnections: () => hub?.forgetConnections(),
      freezeClock: (on = true) => store.freezeClock(on),
      silenceWebSockets: (on = true) => hub?.silence(on),
      refuseWebSockets: (on = true) => hub?.refuse(on),
      expireSession: (token) => {
        // Session.IsExpired: past its expires_at.
        const past = Date.now() - 1;
        for (const session of store.sessions.values()) if (!token || session.token === token) session.expires_at = past;
      },
    },
    close: async () => {
      hub?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function context(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
  requestId: string,
  store: Store,
  strictCsrf: boolean,
): Context {
  const found = requestToken(req, url);
  const session = found ? store.activeSession(found.token) : undefined;
  // web/handlers.go checkCSRFToken (cookies.ts): a cookie session's non-GET request must prove it is the page's.
  if (session && found?.location === "cookie" && !passesCsrf(req, session, strictCsrf)) throw Errors.sessionExpired();
  return {
    req,
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    params,
    body,
    requestId,
    session,
    me: () => {
      const user = session && store.users.get(session.user_id);
      if (user?.delete_at !== 0) throw Errors.sessionExpired();
      return user;
    },
    json: <T>(what = "body") => {
      try {
        return JSON.parse(body.toString("utf8")) as T;
      } catch {
        throw Errors.invalidBodyParam(what);
      }
    },
  };
}

/** A login that asked for cookies gets them; a logout removes the session cookie (cookies.ts). */
function browserSession(
  req: IncomingMessage,
  res: ServerResponse,
  operationId: string,
  reply: Reply,
  store: Store,
  secure: boolean,
): void {
  if (operationId === "Logout") res.setHeader("Set-Cookie", removedSessionCookie());
  if (operationId !== "Login" || !isXmlHttpRequest(req) || (reply.status ?? 200) !== 200) return;
  const session = reply.headers?.Token ? store.activeSession(reply.headers.Token) : undefined;
  if (session) res.setHeader("Set-Cookie", sessionCookies(session, secure));
}

/** A page of `pages` for a GET outside /api/; false to go on to the API (and its 404). */
function servePage(pages: (path: string) => TestPage | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? "/", "http://fake").pathname;
  if (req.method !== "GET" || path.startsWith("/api/")) return false;
  const page = pages(path);
  if (!page) return false;
  const body = typeof page.body === "string" ? Buffer.from(page.body) : page.body;
  res.writeHead(200, { "Content-Type": page.contentType, "Content-Length": String(body.length), ...page.headers });
  res.end(body);
  return true;
}

/** A request no route handles: 501 naming the spec's operation, or the server's 404 for a path it lacks. */
function notImplemented(method: string, path: string): AppErrorReply {
  const op = operations.find((o) => o.method === method && matchTemplate(o.path, path));
  if (!op) return Errors.notFound(path);
  return new AppErrorReply(
    501,
    "matterapi.testing.not_implemented",
    `The matterapi fake server does not implement ${op.id} (${op.method} ${op.path}).`,
  );
}

function faultReply(fault: Extract<Fault, { status: number }>, requestId: string): Reply {
  if (fault.status === 429) {
    // app/ratelimit.go: http.Error(w, "limit exceeded", 429) with the rate-limit headers.
    const seconds = String(fault.retryAfter ?? 1);
    return {
      status: 429,
      bytes: Buffer.from(typeof fault.body === "string" ? fault.body : "limit exceeded\n"),
      contentType: "text/plain; charset=utf-8",
      headers: {
        "Retry-After": seconds,
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": seconds,
      },
    };
  }
  if (typeof fault.body === "string")
    return { status: fault.status, bytes: Buffer.from(fault.body), contentType: "text/plain; charset=utf-8" };
  return {
    status: fault.status,
    json:
      fault.body ??
      new AppErrorReply(fault.status, "matterapi.testing.fault", `Injected fault: status ${fault.status}.`).body(
        requestId,
      ),
  };
}

function send(res: ServerResponse, reply: Reply, requestId: string, version: string): void {
  const headers: Record<string, string> = { "X-Request-Id": requestId, "X-Version-Id": version, ...reply.headers };
  let payload: Buffer;
  if (reply.bytes) {
    payload = reply.bytes;
    headers["Content-Type"] = reply.contentType ?? "application/octet-stream";
  } else {
    payload = Buffer.from(reply.json === undefined ? "" : JSON.stringify(reply.json));
    headers["Content-Type"] = "application/json";
  }
  headers["Content-Length"] = String(payload.length);
  res.writeHead(reply.status ?? 200, headers);
  res.end(payload);
}

/** The seed: an admin, a user, an MFA user and a bot; a team with four channels everyone is in. */
function seedState(store: Store) {
  const tokenFor = (user: UserRecord, description: string) => store.createAccessToken(user, description).token;
  const person = (username: string, roles: string, first: string, last: string, mfaSecret?: string) => {
    const password = `${username}-Passw0rd!`;
    const user = store.createUser(
      { username, email: `${username}@example.com`, roles, first_name: first, last_name: last },
      { password, mfaSecret },
    );
    return { user, password };
  };
  const admin = person("sysadmin", "system_admin system_user", "Sys", "Admin");
  const regular = person("hansolo", "system_user", "Han", "Solo");
  const mfaSecret = "JBSWY3DPEHPK3PXP";
  const mfa = person("leia", "system_user", "Leia", "Organa", mfaSecret);
  const bot = store.createBot({ username: "rebel-bot", description: "The test bot", owner_id: admin.user.id });
  const botUser = store.users.get(bot.user_id) as UserRecord;

  const team: TeamRecord = store.createTeam({ name: "rebellion", display_name: "Rebellion", type: "O" });
  const channel = (name: string, display: string, type: "O" | "P"): ChannelRecord =>
    store.createChannel({ team_id: team.id, name, display_name: display, type, creator_id: admin.user.id });
  const channels = {
    townSquare: channel("town-square", "Town Square", "O"),
    offTopic: channel("off-topic", "Off-Topic", "O"),
    general: channel("general", "General", "O"),
    private: channel("war-room", "War Room", "P"),
  };
  for (const u of [admin.user, regular.user, mfa.user, botUser]) {
    store.addTeamMember(team.id, u.id, u === admin.user);
    for (const c of Object.values(channels)) store.addChannelMember(c.id, u.id, u === admin.user);
  }
  // A little history in ~general, so that reading posts shows something.
  for (const [author, message] of [
    [admin.user, "Welcome to the Rebellion! This is a fake Mattermost server for tests and demos."],
    [regular.user, "Never tell me the odds."],
  ] as const) {
    store.createPost({ user_id: author.id, channel_id: channels.general.id, message });
  }
  const info = (c: ChannelRecord): ChannelInfo => ({ id: c.id, name: c.name, display_name: c.display_name });
  const testUser = (p: { user: UserRecord; password: string }) => ({
    id: p.user.id,
    username: p.user.username,
    email: p.user.email,
    password: p.password,
    token: tokenFor(p.user, "seeded token"),
  });
  return {
    admin: testUser(admin),
    user: testUser(regular),
    mfaUser: { ...testUser(mfa), mfaSecret },
    bot: { id: botUser.id, username: botUser.username, token: tokenFor(botUser, "bot token") },
    team: { id: team.id, name: team.name, display_name: team.display_name },
    channels: {
      townSquare: info(channels.townSquare),
      offTopic: info(channels.offTopic),
      general: info(channels.general),
      private: info(channels.private),
    },
  };
}
