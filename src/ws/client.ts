/**
 * The event stream client: typed events, reconnect with resume (connection_id + sequence_number), keepalive,
 * and no lost or repeated events inside the server's replay window. When the server had to start over (a new
 * `hello`: events were lost), it says so with a `missed` signal and, if asked, fetches the posts of that window
 * over REST and delivers them as recovered `posted` events. Whatever the server sends, it never crashes: a frame
 * it cannot use reaches `error` and the stream goes on.
 */
import {
  MatterapiError,
  NoAccessTokenProvided,
  UsageError,
  WebSocketConnectError,
  WebSocketFrameError,
} from "../core/errors.js";
import { isPasswordAuth } from "../core/options.js";
import type { Post } from "../generated/models/index.js";
import { CatchUp } from "./catch-up.js";
import { encodeAction, isTransient, stopError, upgradeStatus, WebSocketAuthError } from "./errors.js";
import { type AnyServerEvent, type Broadcast, decodeData, type EventData, type ServerEvent } from "./events.js";
import { parseFrame, type ReplyFrame } from "./frames.js";
import { KeepAlive } from "./keepalive.js";
import { type Listener, Listeners } from "./listeners.js";
import {
  type LifecycleEvents,
  MAX_TIMER,
  type MissedSignal,
  type ResolvedOptions,
  resolveOptions,
  type StreamHost,
  timer,
  type WebSocketOptions,
  type WebSocketState,
} from "./options.js";
import { PendingActions } from "./pending.js";
import { EventQueue, RecentIds } from "./queue.js";
import { openSocket, type RawSocket } from "./socket.js";
import { ConnectWaiters } from "./waiters.js";

export { WebSocketClosedError, WebSocketConnectError, WebSocketFrameError } from "../core/errors.js";
export { WebSocketActionError, WebSocketAuthError } from "./errors.js";
export type {
  CloseInfo,
  LifecycleEvents,
  MissedSignal,
  StreamHost,
  WebSocketOptions,
  WebSocketState,
} from "./options.js";

const NOT_AUTHENTICATED = "api.web_socket_router.not_authenticated.app_error";

/** Failures of a browser-style socket before it opens, while REST answers, before the stream stops. */
const REFUSED_OPENS = 3;

const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

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
  #actionSeq = 0;
  #attempts = 0;
  #closedByUser = false;
  #authProbeSeq = 0;
  #authConfirmed = false;
  /** Whether the stream has been open since connect() started it (else a connect timeout stops it). */
  #opened = false;
  /** Bumped when the stream stops, so that a dial still logging in knows it is no longer wanted. */
  #generation = 0;
  /** Per socket: the error it reported, whether it opened, and the close code we asked for ourselves. */
  #socketError: Error | undefined;
  #socketOpen = false;
  #closing: number | undefined;
  #timedOut = false;
  #attemptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the last attempt failed: the cause of a connect timeout. */
  #lastError: Error | undefined;
  #refusedOpens = 0;
  /** Logins in a row whose new token was refused too (counted apart from failed connections). */
  #reLogins = 0;
  /** The token of the current connection attempt. */
  #token: string | undefined;
  /** lastSeq when a frame over maxFrameSize closed the connection: the second time at the same place, skip it. */
  #oversizeAt: number | undefined;
  readonly #catchUp = new CatchUp();
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #connectWaiters = new ConnectWaiters();
  #fatal: Error | undefined;
  readonly #pending = new PendingActions();
  readonly #listeners = new Listeners();
  readonly #iterators = new Set<EventQueue>();
  readonly #options: ResolvedOptions;
  readonly #keepAlive: KeepAlive;

  constructor(
    private readonly host: StreamHost,
    options: WebSocketOptions = {},
  ) {
    this.#options = resolveOptions(options);
    this.#keepAlive = new KeepAlive(this.#options.pingInterval, this.#options.pongTimeout);
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

  /**
   * Connects (once); resolves when the server has accepted the credentials. Rejects on an auth failure, on a
   * failure retrying cannot fix, or when the stream is not open within `connectTimeout` (a `WebSocketConnectError`;
   * a stream that never opened then stops, and a later connect() starts it again).
   */
  connect(): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closedByUser) return Promise.reject(new UsageError("the WebSocket was closed"));
    if (this.#state === "open") return Promise.resolve();
    const { connectTimeout } = this.#options;
    const waiter = this.#connectWaiters.add(connectTimeout, (reject) => {
      const last = this.#lastError;
      // Say where it stands: an attempt in progress explains more than the one that failed before it.
      const now = this.#socket
        ? this.#socketOpen
          ? "the server did not answer the WebSocket's auth check"
          : "no answer to the WebSocket upgrade"
        : last?.message;
      const error = new WebSocketConnectError(
        `the WebSocket did not open within ${connectTimeout} ms${now ? `: ${now}` : ""}`,
        this.#url(),
        { timeout: connectTimeout, cause: last },
      );
      // A stream that never opened stops (until connect() again); one that was open goes on reconnecting.
      reject(error);
      if (!this.#opened) this.#fail(error, false);
    });
    if (this.#state === "closed") {
      this.#opened = false;
      this.#attempts = 0;
      this.#refusedOpens = 0;
      this.#lastError = undefined;
      this.#setState("connecting");
      void this.#dial();
    }
    return waiter;
  }

  /** Ends the stream: no more reconnects; iterators finish. */
  close(): void {
    this.#closedByUser = true;
    this.#dropSocket(1000, "client closed");
    this.#finish();
  }

  // ------------------------------------------------------------------ listening

  on<K extends keyof LifecycleEvents>(name: K, handler: LifecycleEvents[K]): this;
  on<K extends string>(
    name: K | "*",
    handler: (event: K extends "*" ? AnyServerEvent : ServerEvent<K>) => unknown,
  ): this;
  on(name: string, handler: Listener): this {
    this.#listeners.add(name, handler);
    return this;
  }

  off(name: string, handler: (...args: never[]) => unknown): this {
    this.#listeners.remove(name, handler as Listener);
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

  /**
   * Sends an action; resolves with the reply's data (rejects with the server's error on FAIL, or on timeout). An
   * action the server could not read (over its 8 KB frame limit, which would close the connection) is refused here.
   */
  send<T = unknown>(action: string, data?: Record<string, unknown>, timeout = this.#options.actionTimeout): Promise<T> {
    const socket = this.#socket;
    if (!socket || this.#state !== "open")
      return Promise.reject(new UsageError(`${action}: the WebSocket is not open`));
    const seq = ++this.#actionSeq;
    let text: string;
    try {
      text = encodeAction(action, seq, data);
    } catch (error) {
      return Promise.reject(error);
    }
    const reply = this.#pending.wait<T>(action, seq, timeout);
    socket.send(text);
    return reply;
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

  #url(): string {
    return `${this.host._core.options.baseUrl.replace(/^http/, "ws")}/api/v4/websocket`;
  }

  async #dial(): Promise<void> {
    const generation = this.#generation;
    if (this.#closedByUser) return;
    const core = this.host._core;
    let token: string | undefined;
    try {
      token = await core.ensureLogin();
    } catch (error) {
      if (generation !== this.#generation || this.#closedByUser) return;
      const message = `logging in for the WebSocket failed: ${toError(error).message}`;
      // A timeout, a 429 or a 5xx of the login is worth another attempt; a refused password is not.
      if (isTransient(error)) this.#attemptFailed(new MatterapiError(message, { cause: error }));
      else
        this.#fail(
          new WebSocketAuthError(`cannot log in for the WebSocket: ${toError(error).message}`, { cause: error }),
        );
      return;
    }
    if (generation !== this.#generation || this.#closedByUser) return;
    this.#token = token;
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
    // Resume needs the session at the upgrade; a challenge-authenticated connection always starts fresh.
    const resume =
      mode === "header" && this.#connectionId
        ? `?connection_id=${encodeURIComponent(this.#connectionId)}&sequence_number=${this.#lastSeq + 1}`
        : "";
    this.#authConfirmed = false;
    this.#socketError = undefined;
    this.#socketOpen = false;
    this.#closing = undefined;
    this.#timedOut = false;
    const guard = (what: () => void) => {
      try {
        what();
      } catch (error) {
        this.#emit("error", toError(error)); // a bug here must not become an uncaught exception in a socket callback
      }
    };
    let socket: RawSocket;
    try {
      socket = await openSocket(
        this.#url() + resume,
        {
          headers: mode === "header" ? { Authorization: `Bearer ${token}` } : {},
          tls: core.options.tls,
          proxy: core.options.proxy,
          WebSocket: this.#options.WebSocket,
          handshakeTimeout: Math.min(this.#options.connectTimeout, MAX_TIMER),
          maxPayload: this.#options.maxFrameSize,
        },
        {
          onOpen: () =>
            guard(() =>
              this.#onOpen(socket, token as string, mode === "header" && socket.native ? "header" : "challenge"),
            ),
          onMessage: (text) => {
            if (this.#socket === socket) guard(() => this.#onMessage(text));
          },
          onFrame: () => {
            if (this.#socket === socket) this.#keepAlive.sawFrame();
          },
          onClose: (code, reason) => {
            if (this.#socket === socket)
              this.#onClose(socket, code, reason, token as string).catch((e) => this.#emit("error", toError(e)));
          },
          onError: (error) => {
            if (this.#socket === socket || !this.#socket) this.#socketError = error;
          },
        },
      );
    } catch (error) {
      if (generation === this.#generation) this.#attemptFailed(toError(error));
      return;
    }
    if (generation !== this.#generation || this.#closedByUser) {
      socket.terminate();
      return;
    }
    this.#socket = socket;
    // The upgrade and the auth check together get connectTimeout: a server that never answers costs one attempt.
    this.#attemptTimer = timer(() => {
      if (this.#socket !== socket || this.#authConfirmed) return;
      const ms = this.#options.connectTimeout;
      this.#lastError = new WebSocketConnectError(
        this.#socketOpen
          ? `the server did not answer the WebSocket's auth check within ${ms} ms`
          : `no answer to the WebSocket upgrade within ${ms} ms`,
        this.#url(),
        { timeout: ms },
      );
      this.#timedOut = true;
      this.#closing = 1006;
      socket.terminate();
    }, this.#options.connectTimeout);
  }

  #onOpen(socket: RawSocket, token: string, mode: "header" | "challenge"): void {
    if (this.#socket !== socket) return;
    this.#socketOpen = true;
    // Prove the credentials: a challenge, or (header auth) a ping that an unauthenticated socket gets FAIL for.
    const seq = ++this.#actionSeq;
    this.#authProbeSeq = seq;
    if (mode === "challenge") socket.send(JSON.stringify({ seq, action: "authentication_challenge", data: { token } }));
    else socket.send(JSON.stringify({ seq, action: "ping" }));
    this.#keepAlive.start({
      probe: () => {
        socket.ping();
        socket.send(JSON.stringify({ seq: ++this.#actionSeq, action: "ping" }));
      },
      dead: () => {
        this.#closing = 1006;
        socket.terminate();
      },
    });
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
    clearTimeout(this.#attemptTimer);
    this.#authConfirmed = true;
    this.#opened = true;
    this.#attempts = 0;
    this.#refusedOpens = 0;
    this.#reLogins = 0;
    this.#lastError = undefined;
    this.#setState("open");
    this.#connectWaiters.resolveAll();
  }

  #onMessage(text: string): void {
    this.#keepAlive.sawFrame();
    const frame = parseFrame(text);
    if (frame.kind === "malformed") {
      this.#emit("error", frame.error);
      return;
    }
    if (frame.kind === "reply") {
      this.#onReply(frame);
      return;
    }
    const message = frame.message;
    const name = message.event;
    if (name === "hello") this.#onHello(message.data as unknown as EventData<"hello">, message.broadcast);
    else if (typeof message.seq === "number") {
      if (message.seq <= this.#lastSeq) return; // a replayed event already delivered
      if (message.seq > this.#lastSeq + 1) {
        // A gap without a hello: ask again from the first missing seq (close code 4001: sequence mismatch).
        this.#closing = 4001;
        this.#socket?.close(4001, "sequence mismatch");
        return;
      }
    }
    if (typeof message.seq === "number") this.#lastSeq = message.seq;
    decodeData(name, message.data);
    if (name === "posted") this.#notePost((message.data as unknown as EventData<"posted">).post);
    // The parsed message already has the event's shape ({event, data, broadcast, seq}): deliver it as it is.
    const event = message as unknown as ServerEvent;
    if (this.#catchUp.running) this.#catchUp.buffer(event);
    else this.#dispatch(event);
  }

  #onHello(data: EventData<"hello">, broadcast: Broadcast): void {
    const previous = this.#connectionId;
    const lost = previous !== "" && data.connection_id !== previous;
    const since = this.#lastPostAt || this.#connectedAt;
    const lastSeq = this.#lastSeq;
    if (!previous) this.#connectedAt = Date.now();
    this.#connectionId = data.connection_id;
    this.#serverVersion = data.server_version;
    this.#userId = (typeof broadcast.user_id === "string" && broadcast.user_id) || this.#userId;
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
    if (this.#options.catchUp) {
      void this.#catchUp.run(this.host, signal.since, {
        seen: (id) => this.#seenPosts.has(id),
        notePost: (post) => this.#notePost(post),
        deliver: (event) => this.#dispatch(event),
        fail: (error) => this.#emit("error", error),
      });
    }
  }

  #onReply(frame: ReplyFrame): void {
    const { status, seqReply, error } = frame;
    if (seqReply !== undefined && seqReply === this.#authProbeSeq) {
      this.#authProbeSeq = 0;
      if (status === "OK") this.#authenticated();
      else if (error?.id === NOT_AUTHENTICATED) void this.#authRejected();
      return;
    }
    // A keepalive ping that finds the session expired: the server stops sending events on such a socket.
    if (!this.#pending.settle(frame) && status === "FAIL" && error?.id === NOT_AUTHENTICATED) void this.#authRejected();
  }

  /** Forgets the socket (its late events are ignored) and everything that waited on it, then closes it. */
  #dropSocket(code?: number, reason?: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#afterSocket(code ?? 1006);
    if (code === undefined) socket?.terminate();
    else socket?.close(code, reason);
  }

  #afterSocket(code: number): void {
    clearTimeout(this.#attemptTimer);
    this.#keepAlive.stop();
    this.#pending.closed(code);
  }

  async #onClose(socket: RawSocket, code: number, reason: string, token: string): Promise<void> {
    this.#socket = undefined;
    this.#afterSocket(code);
    const ours = this.#closing !== undefined;
    this.#emit("close", { code, reason });
    if (this.#closedByUser || this.#fatal) return;
    const error = this.#socketError as (Error & { code?: string }) | undefined;
    const status = upgradeStatus(error);
    const closed = `closed with code ${code}${reason ? ` (${reason})` : ""}`;
    const stop = stopError(error, status, ours ? undefined : code, reason, this.#url());
    if (stop) {
      this.#fail(stop);
      return;
    }
    if (error?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      // The same oversized event would come back on resume: the second time at the same place, skip it.
      const skip = this.#oversizeAt === this.#lastSeq && this.#connectionId !== "";
      this.#emit(
        "error",
        new WebSocketFrameError(
          `a frame over maxFrameSize (${this.#options.maxFrameSize} bytes) closed the connection; ${skip ? "skipping it" : "resuming"}`,
        ),
      );
      if (skip) this.#lastSeq++;
      this.#oversizeAt = skip ? undefined : this.#lastSeq;
      this.#scheduleReconnect();
      return;
    }
    if (this.#timedOut) {
      this.#attemptFailed(this.#lastError ?? new MatterapiError(`the WebSocket ${closed}`));
      return;
    }
    if (!this.#authConfirmed) {
      // Closed before the credentials were accepted: ask REST whether the token is the problem.
      const verdict = status === 401 ? "rejected" : await this.#tokenVerdict(token);
      if (verdict === "rejected") {
        await this.#authRejected();
        return;
      }
      const what = status
        ? `the WebSocket upgrade was answered with ${status}`
        : this.#socketOpen
          ? `the WebSocket ${closed} before the server accepted the credentials`
          : `the WebSocket did not open${error ? `: ${error.message}` : ""}`;
      const failure = new WebSocketConnectError(what, this.#url(), {
        ...(status ? { status } : {}),
        ...(error ? { cause: error } : {}),
      });
      // A browser hides the upgrade's status: a socket that never opens while REST answers is being refused.
      if (verdict === "ok" && !this.#socketOpen && !socket.native && ++this.#refusedOpens >= REFUSED_OPENS) {
        this.#fail(
          new WebSocketConnectError(
            `the server answers REST but refused the WebSocket ${REFUSED_OPENS} times in a row (an Origin it does ` +
              "not allow, or a proxy that does not pass WebSocket upgrades)",
            this.#url(),
            { cause: failure },
          ),
        );
        return;
      }
      this.#attemptFailed(failure);
      return;
    }
    this.#lastError = new MatterapiError(`the WebSocket ${closed}`);
    this.#scheduleReconnect();
  }

  /** One attempt failed: said on `error` (the stream goes on), then another after the backoff. */
  #attemptFailed(error: Error): void {
    this.#lastError = error;
    this.#emit("error", error);
    this.#scheduleReconnect();
  }

  async #tokenVerdict(token: string): Promise<"rejected" | "ok" | "unknown"> {
    try {
      await this.host.request("GET", "/api/v4/users/me", {
        headers: { authorization: `Bearer ${token}` },
        maxRetries: 0,
      });
      return "ok";
    } catch (error) {
      return error instanceof NoAccessTokenProvided ? "rejected" : "unknown";
    }
  }

  /** The server refused the token: a password client logs in again; anything else stops for good. */
  async #authRejected(): Promise<void> {
    const core = this.host._core;
    this.#dropSocket();
    if (isPasswordAuth(core.options.auth)) {
      // The token this socket used (a REST call may have dropped it already: then the login below makes a new one).
      if (this.#token) core.invalidateToken(this.#token);
      try {
        await core.ensureLogin();
      } catch (error) {
        if (this.#closedByUser || this.#fatal) return;
        // A timeout or a 5xx of the login: try again later (the next dial logs in) rather than give up.
        if (isTransient(error)) {
          this.#attemptFailed(
            new MatterapiError(`logging in again failed: ${toError(error).message}`, { cause: error }),
          );
          return;
        }
        this.#fail(
          new WebSocketAuthError(`the session ended and logging in again failed: ${toError(error).message}`, {
            cause: error,
          }),
        );
        return;
      }
      if (this.#reLogins++ < 3) {
        this.#setState("reconnecting");
        void this.#dial();
        return;
      }
    }
    this.#fail(new WebSocketAuthError("the server refused the WebSocket's credentials (invalid or expired token)"));
  }

  #scheduleReconnect(): void {
    if (this.#closedByUser || this.#fatal || this.#state === "closed") return;
    if (!this.#options.reconnect || this.#attempts >= this.#options.maxReconnectAttempts) {
      const last = this.#lastError ? `: ${this.#lastError.message}` : "";
      this.#fail(
        new MatterapiError(`the WebSocket connection was lost and reconnecting is off or gave up${last}`, {
          cause: this.#lastError,
        }),
      );
      return;
    }
    this.#setState(this.#opened ? "reconnecting" : "connecting");
    const base = Math.min(this.#options.initialReconnectDelay * 2 ** this.#attempts, this.#options.maxReconnectDelay);
    const delay = Math.round(base * (1 - 0.25 * Math.random()));
    this.#attempts++;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = timer(() => void this.#dial(), delay);
  }

  #setState(state: WebSocketState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit("statechange", state);
  }

  /** Stops the stream with an error: for good, or (a connect timeout) until connect() is called again. */
  #fail(error: Error, permanent = true): void {
    if (permanent) this.#fatal = error;
    this.#dropSocket();
    this.#emit("error", error);
    this.#connectWaiters.rejectAll(error);
    this.#finish(error);
  }

  #finish(error?: Error): void {
    this.#generation++;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#attemptTimer);
    this.#keepAlive.stop();
    this.#setState("closed");
    this.#connectWaiters.rejectAll(error ?? new UsageError("the WebSocket was closed"));
    for (const queue of this.#iterators) queue.end(error);
    if (error && !this.#fatal) this.#iterators.clear();
  }

  // ------------------------------------------------------------------ delivery

  #dispatch(event: ServerEvent): void {
    this.#listeners.dispatch(event);
    if (this.#iterators.size > 0) for (const queue of this.#iterators) queue.push(event as AnyServerEvent);
  }

  #emit<K extends keyof LifecycleEvents>(name: K, value: Parameters<LifecycleEvents[K]>[0]): void {
    this.#listeners.emit(name, value);
  }
}
