/**
 * The event stream client: typed events, reconnect with resume (connection_id + sequence_number), keepalive,
 * and no lost or repeated events inside the server's replay window. When the server had to start over (a new
 * `hello`: events were lost), it says so with a `missed` signal and, if asked, fetches the posts of that window
 * over REST and delivers them as recovered `posted` events.
 */
import type { RawRequest } from "../client.js";
import type { ClientCore } from "../core/client-core.js";
import { MatterapiError, NoAccessTokenProvided, UsageError } from "../core/errors.js";
import { isPasswordAuth } from "../core/options.js";
import type { Channel, Post, PostList, Team } from "../generated/models/index.js";
import { type AnyServerEvent, type Broadcast, decodeData, type EventData, type ServerEvent } from "./events.js";
import { openSocket, type RawSocket, type WebSocketConstructor } from "./socket.js";

export type WebSocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface WebSocketOptions {
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean | undefined;
  /** First wait before reconnecting, ms (default 500); doubles each failed attempt, with up to 25% jitter. */
  initialReconnectDelay?: number | undefined;
  /** Longest wait between attempts, ms (default 30000). */
  maxReconnectDelay?: number | undefined;
  /** Give up after this many failed attempts in a row (default: never). */
  maxReconnectAttempts?: number | undefined;
  /** Probe the connection when nothing has arrived for this long, ms (default 30000). */
  pingInterval?: number | undefined;
  /** Declare the connection dead when nothing arrives this long after a probe, ms (default 10000). */
  pongTimeout?: number | undefined;
  /** How long an action waits for its reply, ms (default 10000). */
  actionTimeout?: number | undefined;
  /** After lost events, fetch the window's posts over REST and deliver them as recovered `posted` events. */
  catchUp?: boolean | undefined;
  /** "header" (Authorization at the upgrade; needed for resume), "challenge", or "auto" (default: header on Node). */
  authMode?: "auto" | "header" | "challenge" | undefined;
  /**
   * A browser-style WebSocket constructor to use (a polyfill, React Native's, Deno's); the client then
   * authenticates by challenge. Default: the `ws` package on Node, the global WebSocket elsewhere.
   */
  WebSocket?: WebSocketConstructor | undefined;
  /** Stop the stream (as close()) when this aborts. */
  signal?: AbortSignal | undefined;
}

/** When the server started over and the events of a window are lost. */
export interface MissedSignal {
  /**
   * Where the loss may start: the server's create_at (epoch ms) of the newest post received, or the local time of
   * the first connect when no post was received yet.
   */
  since: number;
  /** When the new hello came, on the same clock as `since` (the server's, estimated, once a post was seen). */
  until: number;
  previousConnectionId: string;
  connectionId: string;
  /** The seq of the last event received on the lost connection. */
  lastSeq: number;
}

/** The stream stopped because the server would not take the credentials. */
export class WebSocketAuthError extends MatterapiError {
  override name = "WebSocketAuthError";
}

/** A reply with status FAIL, carrying the server's error. */
export class WebSocketActionError extends MatterapiError {
  override name = "WebSocketActionError";
  constructor(
    readonly action: string,
    readonly error: { id?: string; message?: string; status_code?: number } | undefined,
  ) {
    super(`${action} failed: ${error?.message ?? "no reason given"}${error?.id ? ` [${error.id}]` : ""}`);
  }
}

export interface LifecycleEvents {
  statechange: (state: WebSocketState) => void;
  missed: (signal: MissedSignal) => void;
  error: (error: Error) => void;
}

type Listener = (event: never) => void;

/** Every option set (undefined ones fell back to their defaults), except the signal and the constructor. */
type ResolvedOptions = {
  [K in Exclude<keyof WebSocketOptions, "signal" | "WebSocket">]-?: Exclude<WebSocketOptions[K], undefined>;
} & Pick<WebSocketOptions, "WebSocket">;

const DEFAULTS = {
  initialReconnectDelay: 500,
  maxReconnectDelay: 30_000,
  pingInterval: 30_000,
  pongTimeout: 10_000,
  actionTimeout: 10_000,
};

interface Pending {
  action: string;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** The REST side the stream needs: its core (token, login, options) and calls for catch-up. */
export interface StreamHost {
  readonly _core: ClientCore;
  request<T>(method: "GET", path: string, init?: RawRequest<T>): PromiseLike<T>;
}

export class MattermostWebSocket implements AsyncIterable<AnyServerEvent> {
  #state: WebSocketState = "closed";
  #socket: RawSocket | undefined;
  #connectionId = "";
  #serverVersion = "";
  #userId = "";
  #lastSeq = -1;
  /** Server time (ms) of the newest post seen on the stream: where a catch-up starts. */
  #lastPostAt = 0;
  /** Local time the newest post arrived: with #lastPostAt, it maps local time onto the server's clock. */
  #lastPostSeenAt = 0;
  #connectedAt = 0;
  /** Ids of recent posts delivered, so that a catch-up never repeats one. */
  readonly #seenPosts = new RecentIds(5000);
  #lastFrame = 0;
  #probeAt = 0;
  #actionSeq = 0;
  #attempts = 0;
  #closedByUser = false;
  #authProbeSeq = 0;
  #authConfirmed = false;
  #socketError: Error | undefined;
  #catchingUp = false;
  #buffered: ServerEvent[] = [];
  #recoveredPosts = new Set<string>();
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #connectWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #fatal: Error | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #iterators = new Set<EventQueue>();
  readonly #options: ResolvedOptions;

  constructor(
    private readonly host: StreamHost,
    options: WebSocketOptions = {},
  ) {
    for (const key of Object.keys(options)) {
      if (
        !(key in DEFAULTS) &&
        !["reconnect", "maxReconnectAttempts", "catchUp", "authMode", "signal", "WebSocket"].includes(key)
      ) {
        throw new UsageError(`matterapi: websocket option ${key} is not an option`);
      }
    }
    for (const key of [
      "initialReconnectDelay",
      "maxReconnectDelay",
      "pingInterval",
      "pongTimeout",
      "actionTimeout",
    ] as const) {
      const value = options[key];
      if (value !== undefined && (typeof value !== "number" || !(value > 0))) {
        throw new UsageError(`matterapi: websocket option ${key} must be a positive number of milliseconds`);
      }
    }
    this.#options = {
      ...DEFAULTS,
      reconnect: true,
      maxReconnectAttempts: Number.POSITIVE_INFINITY,
      catchUp: false,
      authMode: "auto",
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as ResolvedOptions;
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    if (options.signal?.aborted) this.#closedByUser = true;
  }

  get state(): WebSocketState {
    return this.#state;
  }

  /** The server's id for this connection (from `hello`); kept across resumes. */
  get connectionId(): string {
    return this.#connectionId;
  }

  get serverVersion(): string {
    return this.#serverVersion;
  }

  /** The seq of the last event delivered. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Connects (once); resolves when the server has accepted the credentials, rejects on an auth failure. */
  connect(): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closedByUser) return Promise.reject(new UsageError("the WebSocket was closed"));
    if (this.#state === "open") return Promise.resolve();
    const waiter = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === "closed") {
      this.#setState("connecting");
      void this.#dial();
    }
    return waiter;
  }

  /** Ends the stream: no more reconnects; iterators finish. */
  close(): void {
    this.#closedByUser = true;
    clearTimeout(this.#reconnectTimer);
    this.#socket?.close(1000, "client closed");
    this.#socket = undefined;
    this.#finish();
  }

  // ------------------------------------------------------------------ listening

  on<K extends keyof LifecycleEvents>(name: K, handler: LifecycleEvents[K]): this;
  on<K extends string>(name: K | "*", handler: (event: K extends "*" ? AnyServerEvent : ServerEvent<K>) => void): this;
  on(name: string, handler: Listener): this {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(handler);
    return this;
  }

  off(name: string, handler: (...args: never[]) => void): this {
    this.#listeners.get(name)?.delete(handler as Listener);
    return this;
  }

  /** Every server event, in order, until the stream ends. Connects if needed. */
  [Symbol.asyncIterator](): AsyncIterator<AnyServerEvent> {
    const queue = new EventQueue(() => this.#iterators.delete(queue));
    this.#iterators.add(queue);
    if (this.#state === "closed" || this.#fatal) {
      if (this.#fatal || this.#closedByUser) queue.end(this.#fatal);
      else this.connect().catch(() => {});
    }
    return queue;
  }

  // ------------------------------------------------------------------ actions

  /** Sends an action; resolves with the reply's data (rejects with the server's error on FAIL, or on timeout). */
  send<T = unknown>(action: string, data?: Record<string, unknown>, timeout = this.#options.actionTimeout): Promise<T> {
    const socket = this.#socket;
    if (!socket || this.#state !== "open")
      return Promise.reject(new UsageError(`${action}: the WebSocket is not open`));
    const seq = ++this.#actionSeq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(seq);
        reject(new MatterapiError(`${action}: no reply within ${timeout} ms`));
      }, timeout);
      this.#pending.set(seq, { action, resolve: resolve as (d: unknown) => void, reject, timer });
      socket.send(JSON.stringify(data === undefined ? { action, seq } : { action, seq, data }));
    });
  }

  /** Tells the channel's members you are typing (in a thread when parentId is given). */
  userTyping(channelId: string, parentId = ""): Promise<void> {
    return this.send("user_typing", { channel_id: channelId, parent_id: parentId });
  }

  /** Every known user's status: user id -> "online" | "away" | "dnd" | "offline". */
  getStatuses(): Promise<Record<string, string>> {
    return this.send("get_statuses");
  }

  getStatusesByIds(userIds: string[]): Promise<Record<string, string>> {
    return this.send("get_statuses_by_ids", { user_ids: userIds });
  }

  /** Reports activity, which can bring an "away" user back "online". */
  updateActiveStatus(isActive: boolean, manual = false, channelId?: string): Promise<void> {
    return this.send("user_update_active_status", {
      user_is_active: isActive,
      manual,
      ...(channelId ? { channel_id: channelId } : {}),
    });
  }

  // ------------------------------------------------------------------ connection

  async #dial(): Promise<void> {
    if (this.#closedByUser) return;
    const core = this.host._core;
    let token: string | undefined;
    try {
      token = await core.ensureLogin();
    } catch (error) {
      this.#fail(
        new WebSocketAuthError(`cannot log in for the WebSocket: ${(error as Error).message}`, { cause: error }),
      );
      return;
    }
    if (!token) {
      this.#fail(new WebSocketAuthError("the WebSocket needs auth: a token, or a login and password"));
      return;
    }
    // A browser-style WebSocket cannot send headers: it authenticates by challenge.
    const mode = this.#options.WebSocket
      ? "challenge"
      : this.#options.authMode === "auto"
        ? "header"
        : this.#options.authMode;
    const base = `${core.options.baseUrl.replace(/^http/, "ws")}/api/v4/websocket`;
    // Resume needs the session at the upgrade; a challenge-authenticated connection always starts fresh.
    const resume =
      mode === "header" && this.#connectionId
        ? `?connection_id=${this.#connectionId}&sequence_number=${this.#lastSeq + 1}`
        : "";
    this.#authConfirmed = false;
    this.#socketError = undefined;
    let socket: RawSocket;
    try {
      socket = await openSocket(
        base + resume,
        {
          headers: mode === "header" ? { Authorization: `Bearer ${token}` } : {},
          tls: core.options.tls,
          proxy: core.options.proxy,
          WebSocket: this.#options.WebSocket,
        },
        {
          onOpen: () =>
            this.#onOpen(socket, token as string, mode === "header" && socket.native ? "header" : "challenge"),
          onMessage: (text) => {
            if (this.#socket === socket) this.#onMessage(text);
          },
          onFrame: () => {
            if (this.#socket === socket) this.#lastFrame = Date.now();
          },
          onClose: () => {
            if (this.#socket === socket) void this.#onClose(token as string);
          },
          onError: (error) => {
            if (this.#socket === socket || !this.#socket) this.#socketError = error;
          },
        },
      );
    } catch (error) {
      this.#emit("error", error as Error);
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
  }

  #onOpen(socket: RawSocket, token: string, mode: "header" | "challenge"): void {
    if (this.#socket !== socket) return;
    this.#lastFrame = Date.now();
    this.#probeAt = 0;
    // Prove the credentials: a challenge, or (header auth) a ping that an unauthenticated socket gets FAIL for.
    const seq = ++this.#actionSeq;
    this.#authProbeSeq = seq;
    if (mode === "challenge") socket.send(JSON.stringify({ seq, action: "authentication_challenge", data: { token } }));
    else socket.send(JSON.stringify({ seq, action: "ping" }));
    this.#startKeepAlive();
  }

  #notePost(post: Post | undefined): void {
    if (!post || typeof post !== "object") return;
    if (typeof post.id === "string") this.#seenPosts.add(post.id);
    if (typeof post.create_at === "number" && post.create_at > this.#lastPostAt) {
      this.#lastPostAt = post.create_at;
      this.#lastPostSeenAt = Date.now();
    }
  }

  #authenticated(): void {
    this.#authConfirmed = true;
    this.#attempts = 0;
    this.#setState("open");
    for (const w of this.#connectWaiters.splice(0)) w.resolve();
  }

  #onMessage(text: string): void {
    this.#lastFrame = Date.now();
    let message: {
      event?: string;
      data?: Record<string, unknown>;
      broadcast?: Broadcast;
      seq?: number;
      status?: string;
      seq_reply?: number;
      error?: { id?: string; message?: string; status_code?: number };
    };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.event === undefined) {
      this.#onReply(message.status, message.seq_reply, message.data, message.error);
      return;
    }
    const name = message.event;
    const data = message.data ?? {};
    if (name === "hello") this.#onHello(data as unknown as EventData<"hello">, message.broadcast);
    else if (typeof message.seq === "number") {
      if (message.seq <= this.#lastSeq) return; // a replayed event already delivered
      if (message.seq > this.#lastSeq + 1) {
        // A gap without a hello: ask again from the first missing seq (close code 4001: sequence mismatch).
        this.#socket?.close(4001, "sequence mismatch");
        return;
      }
    }
    if (typeof message.seq === "number") this.#lastSeq = message.seq;
    decodeData(name, data);
    if (name === "posted") this.#notePost((data as unknown as EventData<"posted">).post);
    // The parsed message already has the event's shape ({event, data, broadcast, seq}): deliver it as it is.
    message.data = data;
    const event = message as unknown as ServerEvent;
    if (this.#catchingUp) this.#buffered.push(event);
    else this.#dispatch(event);
  }

  #onHello(data: EventData<"hello">, broadcast: Broadcast | undefined): void {
    const previous = this.#connectionId;
    const lost = previous !== "" && data.connection_id !== previous;
    const since = this.#lastPostAt || this.#connectedAt;
    const lastSeq = this.#lastSeq;
    if (!previous) this.#connectedAt = Date.now();
    this.#connectionId = data.connection_id;
    this.#serverVersion = data.server_version;
    this.#userId = broadcast?.user_id || this.#userId;
    this.#lastSeq = -1;
    if (!lost) return;
    const signal: MissedSignal = {
      since,
      // The two ends on one clock: local clocks and the server's may disagree by more than the window.
      until: this.#lastPostAt ? this.#lastPostAt + (Date.now() - this.#lastPostSeenAt) : Date.now(),
      previousConnectionId: previous,
      connectionId: data.connection_id,
      lastSeq,
    };
    this.#emit("missed", signal);
    if (this.#options.catchUp) void this.#catchUp(signal);
  }

  #onReply(
    status: string | undefined,
    seqReply: number | undefined,
    data: unknown,
    error: WebSocketActionError["error"],
  ): void {
    if (seqReply !== undefined && seqReply === this.#authProbeSeq) {
      this.#authProbeSeq = 0;
      if (status === "OK") this.#authenticated();
      else if (error?.id === "api.web_socket_router.not_authenticated.app_error") void this.#authRejected();
      return;
    }
    const pending = seqReply === undefined ? undefined : this.#pending.get(seqReply);
    if (!pending) {
      // A keepalive ping that finds the session expired: the server stops sending events on such a socket.
      if (status === "FAIL" && error?.id === "api.web_socket_router.not_authenticated.app_error")
        void this.#authRejected();
      return;
    }
    this.#pending.delete(seqReply as number);
    clearTimeout(pending.timer);
    if (status === "OK") pending.resolve(data);
    else pending.reject(new WebSocketActionError(pending.action, error));
  }

  async #onClose(token: string): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#stopKeepAlive();
    for (const [seq, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new MatterapiError(`${pending.action}: the connection closed before the reply`));
      this.#pending.delete(seq);
    }
    if (this.#closedByUser || this.#fatal) return;
    const error = this.#socketError as (Error & { code?: string }) | undefined;
    if (error && isCertificateError(error)) {
      // Retrying cannot fix a certificate the client does not trust: stop, and say why.
      this.#fail(new MatterapiError(`the WebSocket's TLS handshake failed: ${error.message}`, { cause: error }));
      return;
    }
    if (!this.#authConfirmed && socket) {
      // Closed before the credentials were accepted: ask REST whether the token is the problem.
      if (await this.#tokenRejected(token)) {
        await this.#authRejected();
        return;
      }
    }
    this.#scheduleReconnect();
  }

  async #tokenRejected(token: string): Promise<boolean> {
    try {
      await this.host.request("GET", "/api/v4/users/me", {
        headers: { authorization: `Bearer ${token}` },
        maxRetries: 0,
      });
      return false;
    } catch (error) {
      return error instanceof NoAccessTokenProvided;
    }
  }

  /** The server refused the token: a password client logs in again once; anything else stops for good. */
  async #authRejected(): Promise<void> {
    const core = this.host._core;
    const rejected = core.token;
    this.#socket?.terminate();
    this.#socket = undefined;
    if (isPasswordAuth(core.options.auth) && rejected) {
      core.invalidateToken(rejected);
      try {
        await core.ensureLogin();
      } catch (error) {
        this.#fail(
          new WebSocketAuthError(`the session ended and logging in again failed: ${(error as Error).message}`, {
            cause: error,
          }),
        );
        return;
      }
      if (this.#attempts++ < 3) {
        this.#setState("reconnecting");
        void this.#dial();
        return;
      }
    }
    this.#fail(new WebSocketAuthError("the server refused the WebSocket's credentials (invalid or expired token)"));
  }

  #scheduleReconnect(): void {
    if (this.#closedByUser || this.#fatal) return;
    if (!this.#options.reconnect || this.#attempts >= this.#options.maxReconnectAttempts) {
      this.#fail(new MatterapiError("the WebSocket connection was lost and reconnecting is off or gave up"));
      return;
    }
    this.#setState("reconnecting");
    const base = Math.min(this.#options.initialReconnectDelay * 2 ** this.#attempts, this.#options.maxReconnectDelay);
    const delay = Math.round(base * (1 - 0.25 * Math.random()));
    this.#attempts++;
    this.#reconnectTimer = setTimeout(() => void this.#dial(), delay);
  }

  #startKeepAlive(): void {
    this.#stopKeepAlive();
    const { pingInterval, pongTimeout } = this.#options;
    const tick = Math.max(10, Math.min(pingInterval, pongTimeout) / 4);
    this.#keepAliveTimer = setInterval(() => {
      const socket = this.#socket;
      if (!socket) return;
      const now = Date.now();
      if (this.#probeAt && this.#lastFrame < this.#probeAt && now - this.#probeAt > pongTimeout) {
        // Nothing at all since the probe: the connection is dead even if the socket does not know it yet.
        this.#probeAt = 0;
        socket.terminate();
        return;
      }
      if (this.#lastFrame >= this.#probeAt) this.#probeAt = 0;
      if (!this.#probeAt && now - this.#lastFrame >= pingInterval) {
        this.#probeAt = now;
        socket.ping();
        socket.send(JSON.stringify({ seq: ++this.#actionSeq, action: "ping" }));
      }
    }, tick);
    (this.#keepAliveTimer as { unref?: () => void }).unref?.();
  }

  #stopKeepAlive(): void {
    clearInterval(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
  }

  #setState(state: WebSocketState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit("statechange", state);
  }

  #fail(error: Error): void {
    this.#fatal = error;
    this.#socket?.terminate();
    this.#socket = undefined;
    this.#emit("error", error);
    for (const w of this.#connectWaiters.splice(0)) w.reject(error);
    this.#finish(error);
  }

  #finish(error?: Error): void {
    this.#stopKeepAlive();
    this.#setState("closed");
    for (const w of this.#connectWaiters.splice(0)) w.reject(error ?? new UsageError("the WebSocket was closed"));
    for (const queue of this.#iterators) queue.end(error);
  }

  // ------------------------------------------------------------------ delivery

  #dispatch(event: ServerEvent): void {
    const named = this.#listeners.get(event.event);
    if (named) this.#call(named, event);
    const all = this.#listeners.get("*");
    if (all) this.#call(all, event);
    if (this.#iterators.size > 0) for (const queue of this.#iterators) queue.push(event as AnyServerEvent);
  }

  #call(handlers: Set<Listener>, event: ServerEvent): void {
    for (const handler of handlers) {
      try {
        (handler as (e: ServerEvent) => void)(event);
      } catch (error) {
        this.#emit("error", error as Error);
      }
    }
  }

  #emit(name: keyof LifecycleEvents, value: unknown): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const handler of set) {
      try {
        (handler as (v: unknown) => void)(value);
      } catch {
        // A failing lifecycle listener must not break the stream.
      }
    }
  }

  /** Fetches the posts created in the lost window, in every channel of the user, and delivers them first. */
  async #catchUp(signal: MissedSignal): Promise<void> {
    this.#catchingUp = true;
    this.#recoveredPosts = new Set();
    try {
      const teams = await this.host.request<Team[]>("GET", "/api/v4/users/me/teams");
      const channels = new Map<string, Channel>();
      for (const team of teams) {
        const list = await this.host.request<Channel[]>("GET", "/api/v4/users/me/teams/{team_id}/channels", {
          params: { team_id: team.id },
        });
        for (const channel of list) channels.set(channel.id, channel);
      }
      const recovered: { post: Post; channel: Channel }[] = [];
      for (const channel of channels.values()) {
        if (channel.last_post_at < signal.since) continue;
        const list = await this.host.request<PostList>("GET", "/api/v4/channels/{channel_id}/posts", {
          params: { channel_id: channel.id },
          query: { since: signal.since },
        });
        for (const id of list.order) {
          const post = list.posts[id];
          if (post && post.create_at >= signal.since && post.delete_at === 0) recovered.push({ post, channel });
        }
      }
      recovered.sort((a, b) => a.post.create_at - b.post.create_at);
      for (const { post, channel } of recovered) {
        if (this.#seenPosts.has(post.id)) continue;
        this.#recoveredPosts.add(post.id);
        this.#notePost(post);
        this.#dispatch({
          event: "posted",
          data: {
            post,
            channel_display_name: channel.display_name,
            channel_name: channel.name,
            channel_type: channel.type,
            sender_name: "",
            team_id: channel.team_id,
          },
          broadcast: { omit_users: null, user_id: "", channel_id: channel.id, team_id: "" },
          recovered: true,
        });
      }
    } catch (error) {
      this.#emit(
        "error",
        new MatterapiError(`catching up after lost events failed: ${(error as Error).message}`, { cause: error }),
      );
    } finally {
      this.#catchingUp = false;
      const buffered = this.#buffered;
      this.#buffered = [];
      for (const event of buffered) {
        const post = event.event === "posted" ? (event.data as unknown as EventData<"posted">).post : undefined;
        if (post && this.#recoveredPosts.has(post.id)) continue;
        this.#dispatch(event);
      }
      this.#recoveredPosts.clear();
    }
  }
}

const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

function isCertificateError(error: Error & { code?: string }): boolean {
  return CERTIFICATE_ERRORS.test(error.code ?? "") || /certificate/i.test(error.message);
}

/** A bounded set of the most recent ids (a ring of them, and a set to look them up). */
class RecentIds {
  readonly #set = new Set<string>();
  readonly #ring: string[];
  #next = 0;
  constructor(capacity: number) {
    this.#ring = new Array<string>(capacity);
  }
  add(id: string): void {
    if (this.#set.has(id)) return;
    const old = this.#ring[this.#next];
    if (old !== undefined) this.#set.delete(old);
    this.#ring[this.#next] = id;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#set.add(id);
  }
  has(id: string): boolean {
    return this.#set.has(id);
  }
}

/** An async iterator fed by the stream: events queue up until read; ending lets readers drain what is queued. */
class EventQueue implements AsyncIterator<AnyServerEvent> {
  readonly #items: AnyServerEvent[] = [];
  #head = 0;
  #waiting: ((r: IteratorResult<AnyServerEvent>) => void) | undefined;
  #failing: ((e: Error) => void) | undefined;
  #ended = false;
  #error: Error | undefined;

  constructor(private readonly onReturn: () => void) {}

  push(event: AnyServerEvent): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      this.#failing = undefined;
      waiting({ value: event, done: false });
    } else this.#items.push(event);
  }

  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    if (this.#waiting && this.#head >= this.#items.length) {
      const waiting = this.#waiting;
      const failing = this.#failing;
      this.#waiting = undefined;
      this.#failing = undefined;
      if (error) failing?.(error);
      else waiting({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<AnyServerEvent>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++];
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended)
      return this.#error ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failing = reject;
    });
  }

  return(): Promise<IteratorResult<AnyServerEvent>> {
    this.#ended = true;
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }
}
