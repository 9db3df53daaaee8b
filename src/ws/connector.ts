/**
 * One connection at a time: logging in, dialling the socket, proving the credentials, and deciding what a close
 * means (resume, another attempt after the backoff, logging in again, or stop). The stream itself (state,
 * listeners, the public API) lives in client.ts and answers through a ConnectorHost.
 */
import { MatterapiError, NoAccessTokenProvided, WebSocketConnectError, WebSocketFrameError } from "../core/errors.js";
import { isPasswordAuth } from "../core/options.js";
import { isTransient, stopError, toError, upgradeStatus, WebSocketAuthError } from "./errors.js";
import type { KeepAlive } from "./keepalive.js";
import {
  type LifecycleEvents,
  MAX_TIMER,
  type ResolvedOptions,
  type StreamHost,
  timer,
  type WebSocketState,
} from "./options.js";
import type { PendingActions } from "./pending.js";
import type { ResumeState } from "./resume.js";
import { openSocket, type RawSocket } from "./socket.js";
import { SocketEvents } from "./socket-events.js";

/** Failures of a browser-style socket before it opens, while REST answers, before the stream stops. */
const REFUSED_OPENS = 3;

/** What the connector needs of the stream that owns it. */
export interface ConnectorHost {
  readonly stream: StreamHost;
  readonly options: ResolvedOptions;
  readonly keepAlive: KeepAlive;
  readonly pending: PendingActions;
  readonly resume: ResumeState;
  closedByUser(): boolean;
  fatal(): Error | undefined;
  /** Bumped when the stream stops, so that a dial still logging in knows it is no longer wanted. */
  generation(): number;
  /** The next action seq (shared with the stream's own actions). */
  nextSeq(): number;
  onMessage(text: string): void;
  emit<K extends keyof LifecycleEvents>(name: K, value: Parameters<LifecycleEvents[K]>[0]): void;
  setState(state: WebSocketState): void;
  scheduleReconnect(): void;
  fail(error: Error): void;
  /** A socket opened (before its credentials are confirmed). */
  socketOpened(): void;
}

export class Connector {
  socket: RawSocket | undefined;
  /** Per socket: the error it reported, whether it opened, and the close code we asked for ourselves. */
  socketError: Error | undefined;
  socketOpen = false;
  closing: number | undefined;
  timedOut = false;
  authProbeSeq = 0;
  authConfirmed = false;
  attemptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the last attempt failed: the cause of a connect timeout. */
  lastError: Error | undefined;
  refusedOpens = 0;
  /** Logins in a row whose new token was refused too (counted apart from failed connections). */
  reLogins = 0;
  /** The token of the current connection attempt. */
  token: string | undefined;

  constructor(private readonly host: ConnectorHost) {}

  url(): string {
    return `${this.host.stream._core.options.baseUrl.replace(/^http/, "ws")}/api/v4/websocket`;
  }

  async dial(): Promise<void> {
    const host = this.host;
    const options = host.options;
    const generation = host.generation();
    if (host.closedByUser()) return;
    const core = host.stream._core;
    let token: string | undefined;
    try {
      token = await core.ensureLogin();
    } catch (error) {
      if (generation !== host.generation() || host.closedByUser()) return;
      const message = `logging in for the WebSocket failed: ${toError(error).message}`;
      // A timeout, a 429 or a 5xx of the login is worth another attempt; a refused password is not.
      if (isTransient(error)) this.attemptFailed(new MatterapiError(message, { cause: error }));
      else
        host.fail(
          new WebSocketAuthError(`cannot log in for the WebSocket: ${toError(error).message}`, { cause: error }),
        );
      return;
    }
    if (generation !== host.generation() || host.closedByUser()) return;
    // Another session than the last connection's (the client logged in again: the old one expired or was
    // revoked): the server dropped that session's events instead of queueing them, so resuming would hide a loss.
    if (this.token !== undefined && token !== this.token) host.resume.startOver();
    this.token = token;
    if (!token && !core.cookieSession) {
      host.fail(new WebSocketAuthError("the WebSocket needs auth: a token, or a login and password"));
      return;
    }
    // A browser-style WebSocket cannot send headers: it authenticates by challenge. A cookie session (the browser
    // sends MMAUTHTOKEN with the upgrade) is authenticated at the upgrade, as the header is.
    const mode = core.cookieSession
      ? "cookie"
      : options.WebSocket
        ? "challenge"
        : options.authMode === "auto"
          ? "header"
          : options.authMode;
    // Resume needs the session at the upgrade; a challenge-authenticated connection always starts fresh.
    const resume = mode === "challenge" ? "" : host.resume.query();
    this.authConfirmed = false;
    this.socketError = undefined;
    this.socketOpen = false;
    this.closing = undefined;
    this.timedOut = false;
    const events = new SocketEvents(this, token ?? "", mode);
    let socket: RawSocket;
    try {
      socket = await openSocket(
        this.url() + resume,
        {
          headers: mode === "header" ? { Authorization: `Bearer ${token}` } : {},
          tls: core.options.tls,
          proxy: core.options.proxy,
          WebSocket: options.WebSocket,
          handshakeTimeout: Math.min(options.connectTimeout, MAX_TIMER),
          maxPayload: options.maxFrameSize,
        },
        events,
      );
      events.socket = socket;
    } catch (error) {
      if (generation === host.generation()) this.attemptFailed(toError(error));
      return;
    }
    if (generation !== host.generation() || host.closedByUser()) {
      socket.terminate();
      return;
    }
    this.socket = socket;
    // The upgrade and the auth check together get connectTimeout: a server that never answers costs one attempt.
    this.attemptTimer = timer(() => {
      if (this.socket !== socket || this.authConfirmed) return;
      const ms = options.connectTimeout;
      this.lastError = new WebSocketConnectError(
        this.socketOpen
          ? `the server did not answer the WebSocket's auth check within ${ms} ms`
          : `no answer to the WebSocket upgrade within ${ms} ms`,
        this.url(),
        { timeout: ms },
      );
      this.timedOut = true;
      this.closing = 1006;
      socket.terminate();
    }, options.connectTimeout);
  }

  /** The socket opened: prove the credentials. */
  opened(socket: RawSocket, token: string, mode: "header" | "challenge"): void {
    if (this.socket !== socket) return;
    this.socketOpen = true;
    this.host.socketOpened();
    // Prove the credentials: a challenge, or (header auth) a ping that an unauthenticated socket gets FAIL for.
    const seq = this.host.nextSeq();
    this.authProbeSeq = seq;
    if (mode === "challenge") socket.send(JSON.stringify({ seq, action: "authentication_challenge", data: { token } }));
    else socket.send(JSON.stringify({ seq, action: "ping" }));
    this.host.keepAlive.start({
      probe: () => {
        socket.ping();
        socket.send(JSON.stringify({ seq: this.host.nextSeq(), action: "ping" }));
      },
      dead: () => {
        this.closing = 1006;
        socket.terminate();
      },
    });
  }

  reportError(error: Error): void {
    this.host.emit("error", error);
  }

  message(text: string): void {
    this.host.onMessage(text);
  }

  sawFrame(): void {
    this.host.keepAlive.sawFrame();
  }

  /** The server accepted the credentials: the attempt succeeded, and the counts of failures start again. */
  authenticated(): void {
    clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    this.authConfirmed = true;
    this.refusedOpens = 0;
    this.reLogins = 0;
    this.lastError = undefined;
  }

  /** Closes the socket with a code of our own (the close that follows is not the server's doing). */
  closeOwn(code: number, reason: string): void {
    this.closing = code;
    this.socket?.close(code, reason);
  }

  /** Forgets the socket (its late events are ignored) and everything that waited on it, then closes it. */
  dropSocket(code?: number, reason?: string): void {
    const socket = this.socket;
    this.socket = undefined;
    this.#afterSocket(code ?? 1006);
    if (code === undefined) socket?.terminate();
    else socket?.close(code, reason);
  }

  #afterSocket(code: number): void {
    clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    this.host.keepAlive.stop();
    this.host.pending.closed(code);
  }

  /** The socket closed: decide what that means (resume, another attempt, a new login, or stop). */
  async closed(socket: RawSocket, code: number, reason: string, token: string): Promise<void> {
    const host = this.host;
    this.socket = undefined;
    this.#afterSocket(code);
    const ours = this.closing !== undefined;
    host.emit("close", { code, reason });
    if (host.closedByUser() || host.fatal()) return;
    const error = this.socketError as (Error & { code?: string }) | undefined;
    const status = upgradeStatus(error);
    const closed = `closed with code ${code}${reason ? ` (${reason})` : ""}`;
    const stop = stopError(error, status, ours ? undefined : code, reason, this.url());
    if (stop) {
      host.fail(stop);
      return;
    }
    if (error?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      const skip = host.resume.oversizeRepeats();
      host.emit(
        "error",
        new WebSocketFrameError(
          `a frame over maxFrameSize (${host.options.maxFrameSize} bytes) closed the connection; ${skip ? "skipping it" : "resuming"}`,
        ),
      );
      host.resume.oversized(skip);
      host.scheduleReconnect();
      return;
    }
    if (this.timedOut) {
      this.attemptFailed(this.lastError ?? new MatterapiError(`the WebSocket ${closed}`));
      return;
    }
    if (!this.authConfirmed) {
      // Closed before the credentials were accepted: ask REST whether the token is the problem.
      const verdict = status === 401 ? "rejected" : await this.#tokenVerdict(token);
      if (verdict === "rejected") {
        await this.authRejected();
        return;
      }
      const what = status
        ? `the WebSocket upgrade was answered with ${status}`
        : this.socketOpen
          ? `the WebSocket ${closed} before the server accepted the credentials`
          : `the WebSocket did not open${error ? `: ${error.message}` : ""}`;
      const failure = new WebSocketConnectError(what, this.url(), {
        ...(status ? { status } : {}),
        ...(error ? { cause: error } : {}),
      });
      // A browser hides the upgrade's status: a socket that never opens while REST answers is being refused.
      if (verdict === "ok" && !this.socketOpen && !socket.native && ++this.refusedOpens >= REFUSED_OPENS) {
        host.fail(
          new WebSocketConnectError(
            `the server answers REST but refused the WebSocket ${REFUSED_OPENS} times in a row (an Origin it does ` +
              "not allow, or a proxy that does not pass WebSocket upgrades)",
            this.url(),
            { cause: failure },
          ),
        );
        return;
      }
      this.attemptFailed(failure);
      return;
    }
    this.lastError = new MatterapiError(`the WebSocket ${closed}`);
    host.scheduleReconnect();
  }

  /** One attempt failed: said on `error` (the stream goes on), then another after the backoff. */
  attemptFailed(error: Error): void {
    this.lastError = error;
    this.host.emit("error", error);
    this.host.scheduleReconnect();
  }

  async #tokenVerdict(token: string): Promise<"rejected" | "ok" | "unknown"> {
    try {
      await this.host.stream.request("GET", "/api/v4/users/me", {
        // A cookie session has no token: the browser's cookie goes with the call.
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        maxRetries: 0,
      });
      return "ok";
    } catch (error) {
      return error instanceof NoAccessTokenProvided ? "rejected" : "unknown";
    }
  }

  /** The server refused the token: a password client logs in again; anything else stops for good. */
  async authRejected(): Promise<void> {
    // Found twice (the keepalive's ping and a REST call's 401): one re-login, one dial.
    if (this.#relogging) return;
    this.#relogging = true;
    try {
      await this.#reLogin();
    } finally {
      this.#relogging = false;
    }
  }

  #relogging = false;

  async #reLogin(): Promise<void> {
    const host = this.host;
    const core = host.stream._core;
    this.dropSocket();
    host.resume.startOver();
    if (isPasswordAuth(core.options.auth)) {
      // The token this socket used (a REST call may have dropped it already: then the login below makes a new one).
      if (this.token || core.cookieSession) core.invalidateToken(this.token);
      try {
        await core.ensureLogin();
      } catch (error) {
        if (host.closedByUser() || host.fatal()) return;
        // A timeout or a 5xx of the login: try again later (the next dial logs in) rather than give up.
        if (isTransient(error)) {
          this.attemptFailed(
            new MatterapiError(`logging in again failed: ${toError(error).message}`, { cause: error }),
          );
          return;
        }
        host.fail(
          new WebSocketAuthError(`the session ended and logging in again failed: ${toError(error).message}`, {
            cause: error,
          }),
        );
        return;
      }
      // The login worked, so the credentials are good: connect again at once the first time, and with the
      // reconnect backoff while new sessions keep being refused (never a storm of logins, never giving up on a
      // password that works, unless maxReconnectAttempts says so).
      host.setState("reconnecting");
      if (this.reLogins++ === 0) void this.dial();
      else host.scheduleReconnect();
      return;
    }
    host.fail(new WebSocketAuthError("the server refused the WebSocket's credentials (invalid or expired token)"));
  }
}
