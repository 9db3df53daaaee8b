/**
 * AsyncClient: every operation of the spec as a method of its group (`client.users.getUser("me")`), sessions,
 * and a typed escape hatch (`client.request`) for paths the spec lacks.
 */
import type { ApiPromise } from "./core/api-promise.js";
import { ClientCore, type HttpMethod } from "./core/client-core.js";
import { UsageError } from "./core/errors.js";
import { buildGroup } from "./core/group.js";
import { type ClientOptions, isPasswordAuth, resolveOptions } from "./core/options.js";
import { type RawRequest, rawRequest } from "./core/raw-request.js";
import { INSPECT, namedView } from "./core/redact.js";
import { type Groups, groupTables } from "./generated/groups/index.js";
import { MattermostWebSocket, type WebSocketOptions } from "./ws/client.js";
import type { AnyServerEvent } from "./ws/events.js";

export type { RawRequest } from "./core/raw-request.js";

// The groups are getters on the prototype that build their group object on first use, so a client costs
// nothing for the 50 groups it does not touch.
export interface AsyncClient extends Groups {}

export class AsyncClient {
  /** @internal */
  readonly _core: ClientCore;
  readonly #options: ClientOptions;
  /** The groups used so far (made on the first). */
  #groups: Map<string, unknown> | undefined;

  constructor(options: ClientOptions) {
    this._core = new ClientCore(resolveOptions(options));
    this.#options = options;
  }

  /** @internal Used by the group getters. */
  _group(name: keyof typeof groupTables): unknown {
    let group = this.#groups?.get(name);
    if (!group) {
      group = buildGroup(this._core, groupTables[name]);
      this.#groups ??= new Map();
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
    return rawRequest(this._core, method, path, init);
  }

  /**
   * A client of the event stream (`/api/v4/websocket`), authenticated like this client (a password client uses its
   * login token). Call `connect()`, or iterate it, or use `startWs`.
   */
  websocket(options?: WebSocketOptions): MattermostWebSocket {
    // The stream registers with the client while it is not closed, so that client.close() closes it.
    return new MattermostWebSocket(this, options);
  }

  /**
   * Python matterapi's start_ws: connects and calls `handler` for each event, in order (awaiting it when it
   * returns a promise), until the stream ends. Resolves when it ends (close(), an abort signal, or the handler
   * returning false); rejects on an authentication failure.
   */
  async startWs(handler: (event: AnyServerEvent) => unknown, options?: WebSocketOptions): Promise<void> {
    const ws = this.websocket(options);
    try {
      // Iterating connects; a failure to connect ends the loop with that error, while close() (the client's, or
      // the signal) ends it quietly, even before the stream is open.
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
