/**
 * The event stream client: typed events, reconnect with resume (connection_id + sequence_number), keepalive,
 * and no lost or repeated events inside the server's replay window. When the server had to start over (a new
 * `hello`: events were lost), it says so with a `missed` signal and, if asked, fetches the posts of that window
 * over REST and delivers them as recovered `posted` events. Whatever the server sends, it never crashes: a frame
 * it cannot use reaches `error` and the stream goes on.
 */
import { MatterapiError, UsageError, WebSocketConnectError } from "../core/errors.js";
import { CheckpointTracker } from "./checkpoints/tracker.js";
import type { CheckpointStore } from "./checkpoints/types.js";
import { Connector, type ConnectorHost } from "./connector.js";
import { Delivery, type DeliveryTarget } from "./delivery.js";
import { encodeAction, toError } from "./errors.js";
import {
  type AnyServerEvent,
  type Broadcast,
  decodeData,
  type EventData,
  type EventNameArg,
  type EventOf,
  type ServerEvent,
} from "./events.js";
import { parseFrame, type ReplyFrame } from "./frames.js";
import { KeepAlive } from "./keepalive.js";
import { type Listener, Listeners } from "./listeners.js";
import {
  type LifecycleEvents,
  type ResolvedOptions,
  resolveOptions,
  type StreamHost,
  timer,
  type WebSocketOptions,
  type WebSocketState,
} from "./options.js";
import { PendingActions } from "./pending.js";
import { EventQueue } from "./queue.js";
import { ResumeState } from "./resume.js";
import { ConnectWaiters, type WaitForOptions, waitForEvent } from "./waiters.js";

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

export class MattermostWebSocket implements AsyncIterable<AnyServerEvent> {
  #state: WebSocketState = "closed";
  /** Connection id, seq and newest post: what a reconnect resumes from. */
  readonly #resume = new ResumeState();
  #actionSeq = 0;
  #attempts = 0;
  #closedByUser = false;
  /** Whether the stream has been open since connect() started it (else a connect timeout stops it). */
  #opened = false;
  /** Bumped when the stream stops, so that a dial still logging in knows it is no longer wanted. */
  #generation = 0;
  readonly #delivery: Delivery;
  #checkpoints: CheckpointTracker | undefined;
  /** Until the first event of a socket arrives (see #onMessage). */
  #firstFrame = false;
  /** Set by a stored checkpoint: where the first connection's catch-up starts (server ms). */
  #restartFrom: number | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #connectWaiters = new ConnectWaiters();
  #fatal: Error | undefined;
  readonly #pending = new PendingActions();
  readonly #listeners = new Listeners();
  /** The `for await` readers (made on the first). */
  #iterators: Set<EventQueue> | undefined;
  readonly #options: ResolvedOptions;
  readonly #keepAlive: KeepAlive;
  readonly #link: Connector;

  constructor(
    private readonly host: StreamHost,
    options: WebSocketOptions = {},
  ) {
    this.#options = resolveOptions(options);
    this.#keepAlive = new KeepAlive(this.#options.pingInterval, this.#options.pongTimeout);
    const inside = new MattermostWebSocket.#Inside(this);
    this.#delivery = new Delivery(host, inside, this.#options.catchUp || this.#options.checkpoint !== undefined);
    this.#link = new Connector(inside);
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    if (options.signal?.aborted) this.#closedByUser = true;
  }

  /**
   * What the connector and the delivery see of the stream: one object whose methods reach the stream's private
   * state (a class in the class body may), instead of a closure per hook for every stream.
   */
  static readonly #Inside = class implements ConnectorHost, DeliveryTarget {
    constructor(private readonly ws: MattermostWebSocket) {}
    get stream(): StreamHost {
      return this.ws.host;
    }
    get options(): ResolvedOptions {
      return this.ws.#options;
    }
    get keepAlive(): KeepAlive {
      return this.ws.#keepAlive;
    }
    get pending(): PendingActions {
      return this.ws.#pending;
    }
    get resume(): ResumeState {
      return this.ws.#resume;
    }
    closedByUser(): boolean {
      return this.ws.#closedByUser;
    }
    fatal(): Error | undefined {
      return this.ws.#fatal;
    }
    generation(): number {
      return this.ws.#generation;
    }
    nextSeq(): number {
      return ++this.ws.#actionSeq;
    }
    onMessage(text: string): void {
      this.ws.#onMessage(text);
    }
    emit<K extends keyof LifecycleEvents>(name: K, value: Parameters<LifecycleEvents[K]>[0]): void {
      this.ws.#emit(name, value);
    }
    setState(state: WebSocketState): void {
      this.ws.#setState(state);
    }
    scheduleReconnect(): void {
      this.ws.#scheduleReconnect();
    }
    fail(error: Error): void {
      this.ws.#fail(error);
    }
    socketOpened(): void {
      this.ws.#socketOpened();
    }
    dispatch(event: ServerEvent): void {
      this.ws.#dispatch(event);
    }
    dispatchAndWait(event: ServerEvent): Promise<boolean> {
      return this.ws.#dispatchAndWait(event);
    }
    error(error: Error): void {
      this.ws.#emit("error", error);
    }
  };

  get state(): WebSocketState {
    return this.#state;
  }

  /** The server's id for this connection (from `hello`); kept across resumes. */
  get connectionId(): string {
    return this.#resume.connectionId;
  }

  get serverVersion(): string {
    return this.#resume.serverVersion;
  }

  /** The seq of the last event delivered. */
  get lastSeq(): number {
    return this.#resume.lastSeq;
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
      const last = this.#link.lastError;
      // Say where it stands: an attempt in progress explains more than the one that failed before it.
      const now = this.#link.socket
        ? this.#link.socketOpen
          ? "the server did not answer the WebSocket's auth check"
          : "no answer to the WebSocket upgrade"
        : last?.message;
      const error = new WebSocketConnectError(
        `the WebSocket did not open within ${connectTimeout} ms${now ? `: ${now}` : ""}`,
        this.#link.url(),
        { timeout: connectTimeout, cause: last },
      );
      // A stream that never opened stops (until connect() again); one that was open goes on reconnecting.
      reject(error);
      if (!this.#opened) this.#fail(error, false);
    });
    if (this.#state === "closed") {
      this.#opened = false;
      this.#attempts = 0;
      this.#link.refusedOpens = 0;
      this.#link.lastError = undefined;
      this.#setState("connecting");
      if (this.#options.checkpoint && !this.#checkpoints) void this.#openCheckpoints(this.#options.checkpoint);
      else void this.#link.dial();
    }
    return waiter;
  }

  /**
   * Loads the checkpoint before the first connection: a stored one means a catch-up from its positions once the
   * stream is up (the posts made while the process was away); none means the stream starts now.
   */
  async #openCheckpoints(store: CheckpointStore): Promise<void> {
    const generation = this.#generation;
    let tracker: CheckpointTracker;
    try {
      tracker = await CheckpointTracker.open(store, { onError: (error) => this.#emit("error", error) });
    } catch (error) {
      this.#fail(toError(error));
      return;
    }
    if (generation !== this.#generation || this.#closedByUser) {
      await tracker.close().catch(() => {});
      return;
    }
    this.#checkpoints = tracker;
    this.#delivery.useCheckpoints(tracker);
    const since = tracker.completeSince;
    if (since > 0) this.#restartFrom = since;
    else tracker.setSince(Date.now());
    void this.#link.dial();
  }

  /**
   * A REST call of this client found the session refused. If this stream runs on it, the server is dropping its
   * events: start over on the new session (the client's login serves both), and count the window as lost.
   */
  sessionEnded(token: string): void {
    if (this.#state === "open" && this.#link.token === token) void this.#link.authRejected();
  }

  /**
   * Ends the stream: no more reconnects; iterators finish. Resolves when the checkpoint (if any) has stored what was
   * acknowledged, and its store is closed.
   */
  close(): Promise<void> {
    this.#closedByUser = true;
    this.#link.dropSocket(1000, "client closed");
    this.#finish();
    const checkpoints = this.#checkpoints;
    this.#checkpoints = undefined;
    return checkpoints ? checkpoints.close() : Promise.resolve();
  }

  // ------------------------------------------------------------------ listening

  on<K extends keyof LifecycleEvents>(name: K, handler: LifecycleEvents[K]): this;
  on<K extends string>(name: EventNameArg<K>, handler: (event: EventOf<K>) => unknown): this;
  on(name: string, handler: Listener): this {
    this.#listeners.add(name, handler);
    return this;
  }

  off(name: string, handler: (...args: never[]) => unknown): this {
    this.#listeners.remove(name, handler as Listener);
    return this;
  }

  /** The next event of this name (that `filter` accepts), typed by its name; see waitForEvent. */
  waitFor<K extends string>(name: EventNameArg<K>, options?: WaitForOptions<EventOf<K>>): Promise<EventOf<K>> {
    return waitForEvent(this, name, options);
  }

  /** Every server event, in order, until the stream ends. Connects if needed. */
  [Symbol.asyncIterator](): AsyncIterator<AnyServerEvent> {
    const queue = new EventQueue(() => this.#iterators?.delete(queue));
    this.#iterators ??= new Set();
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
    const socket = this.#link.socket;
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

  #authenticated(): void {
    this.#link.authenticated();
    this.#opened = true;
    this.#attempts = 0;
    this.#setState("open");
    this.#connectWaiters.resolveAll();
  }

  /**
   * A socket of a reconnect opened. Even a resume that the server accepts can hide a loss: the server drops (does not
   * queue) what it cannot send to a session it finds invalid, and events can arrive on a socket before the stream
   * knows its session was refused. With catch-up on, every reconnect checks the window since the newest post seen
   * over REST; live events wait meanwhile, posts already delivered are recognised by id, and a loss the hello
   * reports joins the same catch-up.
   */
  #socketOpened(): void {
    this.#firstFrame = true;
    if (this.#opened && (this.#options.catchUp || this.#checkpoints) && this.#resume.lastPostAt > 0)
      void this.#delivery.lost(this.#resume.lastPostAt);
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
    if (this.#firstFrame) {
      this.#firstFrame = false;
      // A socket's first event is its hello (a new connection) or the replay from exactly the seq asked for (a
      // resume). Any other seq is a new connection whose hello did not arrive (a server that dropped it): its
      // events cannot be matched to ours, so start over (a new connection, a missed signal, a catch-up).
      if (name !== "hello" && typeof message.seq === "number" && message.seq !== this.#resume.lastSeq + 1) {
        this.#resume.startOver();
        this.#link.closeOwn(4001, "sequence restarted");
        return;
      }
    }
    if (name === "hello") this.#onHello(message.data as unknown as EventData<"hello">, message.broadcast);
    else if (typeof message.seq === "number") {
      if (message.seq <= this.#resume.lastSeq) return; // a replayed event already delivered
      if (message.seq > this.#resume.lastSeq + 1) {
        // A gap without a hello: ask again from the first missing seq (close code 4001: sequence mismatch).
        this.#link.closeOwn(4001, "sequence mismatch");
        return;
      }
    }
    if (typeof message.seq === "number") this.#resume.lastSeq = message.seq;
    decodeData(name, message.data);
    if (name === "posted") this.#resume.notePost((message.data as unknown as EventData<"posted">).post);
    // The parsed message already has the event's shape ({event, data, broadcast, seq}): deliver it as it is.
    this.#delivery.live(message as unknown as ServerEvent);
  }

  #onHello(data: EventData<"hello">, broadcast: Broadcast): void {
    const signal = this.#resume.hello(data, broadcast);
    const restartFrom = this.#restartFrom;
    this.#restartFrom = undefined;
    // The first connection after a restart: catch up from the checkpoint's positions before anything live.
    if (restartFrom !== undefined && !signal) void this.#delivery.lost(restartFrom);
    if (!signal) return;
    this.#emit("missed", signal);
    if (this.#options.catchUp || this.#checkpoints) void this.#delivery.lost(restartFrom ?? signal.since);
  }

  #onReply(frame: ReplyFrame): void {
    const { status, seqReply, error } = frame;
    if (seqReply !== undefined && seqReply === this.#link.authProbeSeq) {
      this.#link.authProbeSeq = 0;
      if (status === "OK") this.#authenticated();
      else if (error?.id === NOT_AUTHENTICATED) void this.#link.authRejected();
      return;
    }
    // A keepalive ping that finds the session expired: the server stops sending events on such a socket.
    if (!this.#pending.settle(frame) && status === "FAIL" && error?.id === NOT_AUTHENTICATED)
      void this.#link.authRejected();
  }

  #scheduleReconnect(): void {
    if (this.#closedByUser || this.#fatal || this.#state === "closed") return;
    if (!this.#options.reconnect || this.#attempts >= this.#options.maxReconnectAttempts) {
      const lastError = this.#link.lastError;
      const last = lastError ? `: ${lastError.message}` : "";
      this.#fail(
        new MatterapiError(`the WebSocket connection was lost and reconnecting is off or gave up${last}`, {
          cause: lastError,
        }),
      );
      return;
    }
    this.#setState(this.#opened ? "reconnecting" : "connecting");
    const base = Math.min(this.#options.initialReconnectDelay * 2 ** this.#attempts, this.#options.maxReconnectDelay);
    const delay = Math.round(base * (1 - 0.25 * Math.random()));
    this.#attempts++;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = timer(() => void this.#link.dial(), delay);
  }

  #setState(state: WebSocketState): void {
    if (this.#state === state) return;
    this.#state = state;
    // The client's close() closes its streams: a stream closed for good is let go of (and taken back if reopened).
    if (state === "closed") this.host._core.disown(this);
    else this.host._core.own(this);
    this.#emit("statechange", state);
  }

  /** Stops the stream with an error: for good, or (a connect timeout) until connect() is called again. */
  #fail(error: Error, permanent = true): void {
    if (permanent) this.#fatal = error;
    this.#link.dropSocket();
    this.#emit("error", error);
    this.#connectWaiters.rejectAll(error);
    this.#finish(error);
  }

  #finish(error?: Error): void {
    this.#generation++;
    if (this.#closedByUser || this.#fatal) this.#delivery.stop();
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#link.attemptTimer);
    this.#keepAlive.stop();
    this.#setState("closed");
    this.#connectWaiters.rejectAll(error ?? new UsageError("the WebSocket was closed"));
    for (const queue of this.#iterators ?? []) queue.end(error);
    if (error && !this.#fatal) this.#iterators?.clear();
  }

  // ------------------------------------------------------------------ delivery

  #dispatch(event: ServerEvent): void {
    this.#listeners.dispatch(event);
    if (this.#iterators) for (const queue of this.#iterators) queue.push(event as AnyServerEvent);
  }

  #dispatchAndWait(event: ServerEvent): Promise<boolean> {
    const waits = [this.#listeners.dispatchAndWait(event)];
    for (const queue of this.#iterators ?? [])
      waits.push(new Promise<boolean>((resolve) => queue.push(event as AnyServerEvent, resolve)));
    return Promise.all(waits).then((results) => results.every(Boolean));
  }

  #emit<K extends keyof LifecycleEvents>(name: K, value: Parameters<LifecycleEvents[K]>[0]): void {
    this.#listeners.emit(name, value);
  }
}
