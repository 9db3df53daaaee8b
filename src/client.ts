/**
 * AsyncClient: every operation of the spec as a method of its group (`client.users.getUser("me")`), sessions,
 * and a typed escape hatch (`client.request`) for paths the spec lacks.
 */
import type { ApiPromise, RequestOptions } from "./core/api-promise.js";
import { ClientCore, type Endpoint, type HttpMethod } from "./core/client-core.js";
import { UsageError } from "./core/errors.js";
import { buildGroup } from "./core/group.js";
import { type ClientOptions, isPasswordAuth, resolveOptions } from "./core/options.js";
import { INSPECT, namedView } from "./core/redact.js";
import type { Schema } from "./core/schema.js";
import { type Groups, groupTables } from "./generated/groups/index.js";
import { MattermostWebSocket, type WebSocketOptions } from "./ws/client.js";
import type { AnyServerEvent } from "./ws/events.js";

export interface RawRequest<T = unknown> extends RequestOptions {
  /** Values for {name} placeholders in the path. */
  params?: Record<string, string | number> | undefined;
  query?: Record<string, unknown> | undefined;
  /** A JSON body, or with `multipart: true` a form (see uploads), or bytes with `binary: true`. */
  body?: unknown;
  multipart?: boolean | undefined;
  binary?: boolean | undefined;
  /** How to read the answer: "json" (default), "binary", "text", "empty" or "unknown" (JSON if it is JSON). */
  response?: Endpoint["response"] | undefined;
  /** Validate a JSON answer against this schema. */
  schema?: Schema | undefined;
  /** false: send no Authorization header. */
  auth?: boolean | undefined;
  /** Type-only marker; leave undefined. */
  readonly __type?: T;
}

const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

// The groups are getters on the prototype that build their group object on first use, so a client costs
// nothing for the 50 groups it does not touch.
export interface AsyncClient extends Groups {}

export class AsyncClient {
  /** @internal */
  readonly _core: ClientCore;
  readonly #options: ClientOptions;
  readonly #groups = new Map<string, unknown>();

  constructor(options: ClientOptions) {
    this._core = new ClientCore(resolveOptions(options));
    this.#options = options;
  }

  /** @internal Used by the group getters. */
  _group(name: keyof typeof groupTables): unknown {
    let group = this.#groups.get(name);
    if (!group) {
      group = buildGroup(this._core, groupTables[name]);
      this.#groups.set(name, group);
    }
    return group;
  }

  /** The session token this client sends (the login token for password auth, once logged in). */
  get token(): string | undefined {
    return this._core.token;
  }

  /** What JSON loggers and util.inspect show: the URL and the options, secrets masked (core/redact.ts). */
  toJSON(): Record<string, unknown> {
    return this._core.toJSON();
  }

  [INSPECT](): object {
    return namedView(this.constructor.name, this.toJSON());
  }

  /** Logs in now (password auth; otherwise a no-op) instead of on the first call. Resolves to the token. */
  async login(): Promise<string | undefined> {
    return this._core.ensureLogin();
  }

  /**
   * Any HTTP call, for paths the spec lacks or that differ on your server. `path` starts with / and is joined to
   * the site URL ("/api/v4/users/me"); {name} placeholders are filled from `params`.
   */
  request<T = unknown>(method: HttpMethod, path: string, init: RawRequest<T> = {}): ApiPromise<T> {
    const upper = String(method).toUpperCase() as HttpMethod;
    if (!HTTP_METHODS.includes(upper)) throw new UsageError(`request: unknown HTTP method ${JSON.stringify(method)}`);
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new UsageError(`request: path must start with /, got ${JSON.stringify(path)}`);
    }
    const { params, query, body, multipart, binary, response, schema, auth, ...options } = init;
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    // Own properties only: a placeholder named {constructor} must not pick up Object.prototype's.
    const values = names.map((name) => (params && Object.hasOwn(params, name) ? params[name] : undefined));
    const ep: Endpoint = {
      id: `${upper} ${path}`,
      method: upper,
      path,
      body: body === undefined ? undefined : multipart ? "multipart" : binary ? "binary" : "json",
      response: response ?? "json",
      ...(schema ? { schema } : {}),
      ...(auth === false ? { auth: false as const } : {}),
    };
    return this._core.call<ApiPromise<T>>(ep, values as (string | number)[], body, query, options);
  }

  /**
   * A client of the event stream (`/api/v4/websocket`), authenticated like this client (a password client uses its
   * login token). Call `connect()`, or iterate it, or use `startWs`.
   */
  websocket(options?: WebSocketOptions): MattermostWebSocket {
    const ws = new MattermostWebSocket(this, options);
    // close() closes the client's open streams; a stream closed for good is let go of (and taken back if reopened).
    this._core.own(ws);
    ws.on("statechange", (state) => (state === "closed" ? this._core.disown(ws) : this._core.own(ws)));
    return ws;
  }

  /**
   * Python matterapi's start_ws: connects and calls `handler` for each event, in order (awaiting it when it
   * returns a promise), until the stream ends. Resolves when it ends (close(), an abort signal, or the handler
   * returning false); rejects on an authentication failure.
   */
  async startWs(handler: (event: AnyServerEvent) => unknown, options?: WebSocketOptions): Promise<void> {
    const ws = this.websocket(options);
    try {
      await ws.connect();
      for await (const event of ws) {
        if ((await handler(event)) === false) break;
      }
    } finally {
      ws.close();
    }
  }

  /**
   * A scoped client with the same surface, its own connection pool and its own login; closing it logs out
   * (password auth) and closes the pool. Use `await using s = await client.session()`, or pass a callback:
   * `await client.session(async (s) => ...)` closes the session when the callback settles.
   */
  session(): Promise<AsyncSession>;
  session<R>(use: (session: AsyncSession) => Promise<R> | R): Promise<R>;
  async session<R>(use?: (session: AsyncSession) => Promise<R> | R): Promise<AsyncSession | R> {
    if (this._core.closed) throw new UsageError("session: the client is closed");
    const session = new AsyncSession(this.#options);
    try {
      if (isPasswordAuth(session._core.options.auth)) await session.login();
    } catch (error) {
      await session.close();
      throw error;
    }
    if (!use) return session;
    try {
      return await use(session);
    } finally {
      await session.close();
    }
  }

  /** Logs out if this client logged in (password auth), and closes its connections. Safe to call twice. */
  close(): Promise<void> {
    return this._core.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** A client from `client.session()`: the same surface; dispose or close it to log out and free its pool. */
export class AsyncSession extends AsyncClient {}

for (const name of Object.keys(groupTables) as (keyof typeof groupTables)[]) {
  Object.defineProperty(AsyncClient.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: AsyncClient) {
      return this._group(name);
    },
  });
}
