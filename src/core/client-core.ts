/**
 * The request pipeline every generated method goes through: URL and body building, authentication (token, or
 * log in once and re-login once on 401), retries that honour rate limits, decoding by response kind, and
 * validation. One ClientCore per client or session; it owns one transport (one connection pool).
 *
 * ClientCore coordinates; the parts live beside it: build-url.ts (URL and parameters), with-deadline.ts (the
 * deadline wrapper), login.ts (login body and token checks), shutdown.ts (close() helpers), request-body.ts,
 * answers.ts (answers into data or errors), failures.ts (errors of failed attempts, retry rules), secrets.ts,
 * create-transport.ts.
 */
import { decodeAnswer, errorFromResponse, readJson, responseInfo } from "./answers.js";
import { ApiPromise, BinaryPromise, type Outcome, type RequestOptions } from "./api-promise.js";
import { csrfCookie, isBrowserLike } from "./browser.js";
import { buildUrl, type TemplateCache } from "./build-url.js";
import { createTransport, preloadTransport } from "./create-transport.js";
import { timeLeft } from "./deadline.js";
import type { Delivery, Endpoint, PathParams, Query } from "./endpoint.js";
import { MatterapiError, RequestAbortedError, redactUrl, UsageError } from "./errors.js";
import { connectionFailure, mayRetry, pauseTooLong } from "./failures.js";
import { LOGIN, LOGOUT, loginBody, tokenOf } from "./login.js";
import {
  checkCount,
  checkHeaders,
  checkMillis,
  checkValidation,
  isCookieSession,
  isPasswordAuth,
  type ResolvedOptions,
} from "./options.js";
import { INSPECT, namedView, redactValue, scrubError } from "./redact.js";
import { isRedirect, redirectStep } from "./redirects.js";
import { encodeBody } from "./request-body.js";
import { backoffDelay, isIdempotent, RETRYABLE_STATUSES, rateLimitDelay, sleep } from "./retry.js";
import { clientSecrets } from "./secrets.js";
import { closedAbort, eitherSignal, settlesWithin } from "./shutdown.js";
import { chunksOf, webStreamOf } from "./streams.js";
import { type Transport, TransportError, type TransportResponse } from "./transport.js";
import { describe, isReplayable } from "./uploads.js";
import { ResponseValidator } from "./validation.js";
import { type Run, withDeadline } from "./with-deadline.js";

// Moved to their own modules; re-exported so importers of client-core.js keep working.
export { errorFromResponse, readJson } from "./answers.js";
export type { Delivery, Endpoint, HttpMethod } from "./endpoint.js";

/** What a client's close() closes with it: its event streams, told also when the server refused a session. */
export interface Owned {
  close(): void | Promise<void>;
  /** A call found this session token refused (expired or revoked): a stream on it gets no events any more. */
  sessionEnded?(token: string): void;
}

export class ClientCore {
  readonly options: ResolvedOptions;
  readonly validator: ResponseValidator;
  #transport: Transport | undefined;
  #transportLoading: Promise<Transport> | undefined;
  #token: string | undefined;
  #login: Promise<string | undefined> | undefined;
  /** A cookie session (auth.cookie): the browser holds the session; the client never sees its token. */
  readonly #cookie: boolean;
  /** A cookie session this client logged in itself (password auth with cookie: true). */
  #cookieLoggedIn = false;
  #pausedUntil = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Set when close() aborts what is in flight; its signal ends the sleeps between retries. */
  #aborting = false;
  /** Aborted by close(): made when first needed (a sleep between retries, or close()), not per idle client. */
  #closerController: AbortController | undefined;
  /** The event streams open on this client (made with the first). */
  #owned: Set<Owned> | undefined;
  readonly #baseHeaders: Record<string, string>;
  #templates: TemplateCache | undefined;
  get #closer(): AbortController {
    this.#closerController ??= new AbortController();
    return this.#closerController;
  }

  /** The pipeline withDeadline() runs, bound once (on the first call) rather than per call. */
  #runBound: Run | undefined;
  get #run(): Run {
    this.#runBound ??= (ep, path, body, query, options, delivery) =>
      this.#execute(ep, path, body, query, options, delivery);
    return this.#runBound;
  }

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.validator = new ResponseValidator(options.onValidationIssue);
    this.#baseHeaders = { accept: "application/json", ...options.headers };
    // A browser sends its own User-Agent; one set by a page or worker would only add a header to every preflight.
    if (options.userAgent && !isBrowserLike()) this.#baseHeaders["user-agent"] = options.userAgent;
    if (options.auth && "token" in options.auth) this.#token = options.auth.token;
    this.#cookie = isCookieSession(options.auth);
    // The server sets a login's cookies only for this header (api4/user.go login), and takes it as the fallback of
    // the CSRF check where the page cannot read MMCSRF (web/handlers.go checkCSRFToken).
    if (this.#cookie) this.#baseHeaders["x-requested-with"] = "XMLHttpRequest";
    if (typeof options.transport === "object") this.#transport = options.transport;
    // Import the transport's module now, in the background: it is imported lazily to keep `import "matterapi"`
    // cheap, and starting here hides that cost behind the caller's own work (the transport is made on first use).
    else preloadTransport(options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What JSON loggers and util.inspect show: the options, every secret masked (redact.ts); never the token. */
  toJSON(): Record<string, unknown> {
    return { url: this.options.baseUrl, closed: this.#closed, options: redactValue(this.options) };
  }

  [INSPECT](): object {
    return namedView("ClientCore", this.toJSON());
  }

  /** The secret values this client holds, cut out of any message built from a thrown error or an answer. */
  #secrets(): string[] {
    return clientSecrets(this.options, this.#token, this.#baseHeaders);
  }

  /** The session token in use (after login for password auth), or undefined. */
  get token(): string | undefined {
    return this.#token;
  }

  call<R>(ep: Endpoint, path: PathParams, body: unknown, query: Query, options?: RequestOptions): R {
    const runner = (raw: boolean) => this.execute(ep, path, body, query, options, raw ? "raw" : "parsed");
    return (ep.response === "binary" ? new BinaryPromise(runner as never) : new ApiPromise(runner)) as R;
  }

  /** Whether the session is the browser's cookie (auth.cookie): no token, the WebSocket authenticates by cookie. */
  get cookieSession(): boolean {
    return this.#cookie;
  }

  /** Forgets a session token the server refused (password auth logs in again on the next call). */
  invalidateToken(token: string | undefined): void {
    if (this.#cookie) this.#cookieLoggedIn = false;
    else if (this.#token === token && isPasswordAuth(this.options.auth)) this.#token = undefined;
  }

  /**
   * Makes sure a password client has a session: returns its token (logging in at most once at a time), or
   * undefined for a cookie session, whose token only the browser holds.
   */
  async ensureLogin(): Promise<string | undefined> {
    if (this.#cookie && (this.#cookieLoggedIn || !isPasswordAuth(this.options.auth))) return undefined;
    if (this.#token || !isPasswordAuth(this.options.auth)) return this.#token;
    this.#login ??= this.#doLogin().finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #doLogin(): Promise<string | undefined> {
    const auth = this.options.auth;
    if (!isPasswordAuth(auth)) throw new UsageError("login needs password auth");
    const outcome = await this.execute(LOGIN, undefined, loginBody(auth), undefined, undefined, "parsed");
    if (this.#cookie) {
      // The session is in the cookies the answer set (MMAUTHTOKEN is HttpOnly): nothing to keep here.
      this.#cookieLoggedIn = true;
      return undefined;
    }
    const token = tokenOf(outcome, auth);
    this.#token = token;
    return token;
  }

  /**
   * Ends the session this client logged in (password auth), closes the event streams it opened, and closes its
   * connections: calls in flight and unread downloads get `closeTimeout` ms to finish, then are aborted with
   * RequestAbortedError. Idempotent; every caller gets the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Something that close() must close too (an event stream of this client) while it is open. */
  own(closable: Owned): void {
    this.#owned ??= new Set();
    this.#owned.add(closable);
  }

  disown(closable: Owned): void {
    this.#owned?.delete(closable);
  }

  async #shutdown(): Promise<void> {
    // A stream's close() settles once its checkpoint is stored; a failure there is the stream's to report.
    const streams = [...(this.#owned ?? [])].map((owned) => Promise.resolve(owned.close()).catch(() => {}));
    this.#owned?.clear();
    await settlesWithin(Promise.all(streams), this.options.closeTimeout);
    if (isPasswordAuth(this.options.auth) && (this.#token || this.#cookieLoggedIn)) {
      try {
        await this.execute(LOGOUT, undefined, undefined, undefined, { maxRetries: 0, timeout: 5_000 }, "parsed");
      } catch {
        // The session expires on its own; closing must not fail because the server is gone.
      }
      this.#token = undefined;
      this.#cookieLoggedIn = false;
    }
    this.#closed = true;
    // Only a transport this core created is closed here: one passed in by the caller may serve other clients
    // (sessions share it), so its owner closes it.
    const created = await this.#transportLoading?.catch(() => undefined);
    if (!created) return;
    // A transport that cannot close gently (fetch aborts what is in flight) gets no grace: its calls fail now.
    if (!created.destroy) this.#abortInFlight();
    const closing = created.close().catch(() => {});
    if (await settlesWithin(closing, this.options.closeTimeout)) return;
    this.#abortInFlight();
    await created.destroy?.().catch(() => {});
    await settlesWithin(closing, 1_000);
  }

  /** From now on, what is in flight fails as aborted by close() (sleeps between retries end at once). */
  #abortInFlight(): void {
    this.#aborting = true;
    this.#closer.abort(new UsageError("the client was closed"));
  }

  #closedAbort(method: string, url: string, cause?: unknown): RequestAbortedError {
    return closedAbort(method, url, cause ?? this.#closer.signal.reason, this.options.closeTimeout);
  }

  #loadTransport(): Promise<Transport> {
    this.#transportLoading ??= createTransport(this.options).then((t) => {
      this.#transport = t;
      return t;
    });
    return this.#transportLoading;
  }

  /** Builds the URL: path parameters encoded into the template, query parameters appended (undefined skipped). */
  buildUrl(ep: Endpoint, path: PathParams, query: Query): string {
    this.#templates ??= new Map();
    return buildUrl(this.#templates, this.options.baseUrl, ep, path, query);
  }

  /** Runs a call; with a deadline (the call's or the client's), inside it. Not async: no deadline costs nothing. */
  execute<T>(
    ep: Endpoint,
    path: PathParams,
    body: unknown,
    query: Query,
    options: RequestOptions | undefined,
    delivery: Delivery,
  ): Promise<Outcome<T>> {
    let deadline = this.options.deadline;
    if (options?.deadline !== undefined) {
      try {
        deadline = checkMillis("deadline", options.deadline, 0);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (deadline === 0) return this.#execute(ep, path, body, query, options, delivery);
    return withDeadline(this.#run, deadline, ep, path, body, query, options, delivery);
  }

  async #execute<T>(
    ep: Endpoint,
    path: PathParams,
    body: unknown,
    query: Query,
    options: RequestOptions | undefined,
    delivery: Delivery,
  ): Promise<Outcome<T>> {
    if (this.#closed) throw new UsageError(`${ep.id}: the client is closed`);
    if (ep.bodyRequired && (body === undefined || body === null)) {
      throw new UsageError(`${ep.id}: the request body is required, got ${describe(body)}`);
    }
    const url = this.buildUrl(ep, path, query);
    const method = ep.method;
    // Where this attempt goes: the URL built, or the same-origin Location of a redirect followed (redirects.ts).
    let target = url;
    let followed = 0;
    let shownUrl = redactUrl(url);
    const timeout = options?.timeout === undefined ? this.options.timeout : checkMillis("timeout", options.timeout, 0);
    const maxRetries =
      options?.maxRetries === undefined ? this.options.maxRetries : checkCount("maxRetries", options.maxRetries, 0);
    const mode = checkValidation("validation", options?.validation) ?? this.options.validation;
    const signal = options?.signal;
    const callHeaders = options?.headers ? checkHeaders("headers", options.headers) : undefined;
    const replayable = body === undefined || ep.body === "json" || isReplayable(body);
    const transport = this.#transport ?? (await this.#loadTransport());

    let attempt = 0;
    let reauthenticated = false;
    // Until when this call's own 429 paused the client: a pause set by others is bounded by this call's timeout.
    let ownPause = 0;
    for (;;) {
      if (signal?.aborted) throw new RequestAbortedError(method, shownUrl, { cause: signal.reason });
      if (this.#aborting) throw this.#closedAbort(method, shownUrl);
      const wait = this.#pausedUntil - Date.now();
      if (wait > 0) await this.#pause(wait, this.#pausedUntil > ownPause ? timeout : 0, signal, method, shownUrl);

      const headers: Record<string, string> = { ...this.#baseHeaders };
      // Downloads accept whatever the file is; JSON operations ask for JSON.
      if (ep.response !== "json") headers.accept = "*/*";
      if (callHeaders) Object.assign(headers, callHeaders);
      let usedToken: string | undefined;
      let usedCookie = false;
      // A call that brings its own Authorization does not use the session: its 401 says nothing about it.
      if (ep.auth !== false && !headers.authorization) {
        usedToken = this.#token ?? (await this.ensureLogin());
        if (usedToken) headers.authorization = `Bearer ${usedToken}`;
        usedCookie = this.#cookieLoggedIn;
      }
      if (this.#cookie && method !== "GET" && !headers["x-csrf-token"]) {
        // A cookie-authenticated call other than a GET must prove it comes from the page (web/handlers.go).
        const csrf = csrfCookie();
        if (csrf) headers["x-csrf-token"] = csrf;
      }
      const payload = await encodeBody(ep, body, headers);

      let res: TransportResponse;
      try {
        res = await transport.request({
          method,
          url: target,
          headers,
          body: payload,
          signal,
          timeout,
          maxBytes: this.options.maxResponseBytes,
        });
      } catch (error) {
        const failure = this.#transportFailure(error, method, shownUrl, timeout, signal);
        if (mayRetry(failure, attempt, maxRetries, replayable, method)) {
          await this.#sleep(backoffDelay(attempt++), signal, method, shownUrl);
          continue;
        }
        throw failure;
      }

      const status = res.status;
      // A 3xx is never success (nor a browser's opaque redirect, status 0): follow it or fail, per redirects.ts.
      if ((status < 200 || status >= 300) && status < 400 && isRedirect(status, ep.id)) {
        const location = res.header("location");
        const init = { status, method, url: shownUrl, body: undefined, headers: res.headers() };
        await res.discard();
        const step = redirectStep({ method, url: target, baseUrl: this.options.baseUrl, followed, init }, location);
        if ("error" in step) throw step.error;
        target = step.follow;
        shownUrl = redactUrl(target);
        followed++;
        continue;
      }
      if (status < 400) {
        const response = responseInfo(res, method, shownUrl);
        if (delivery === "raw") {
          const failure = (error: unknown) => this.#transportFailure(error, method, shownUrl, timeout, signal);
          return {
            data: undefined as T,
            response,
            stream: () => webStreamOf(chunksOf(res.stream()), { mapError: failure }),
          };
        }
        let data: unknown;
        try {
          data = ep.response === "json" ? await res.text() : await decodeAnswer(res, ep);
        } catch (error) {
          if (!(error instanceof TransportError)) throw error;
          const failure = this.#transportFailure(error, method, shownUrl, timeout, signal);
          // The connection dropped mid-answer: safe to ask again only for an idempotent request.
          if (mayRetry(failure, attempt, maxRetries, replayable, method)) {
            await this.#sleep(backoffDelay(attempt++), signal, method, shownUrl);
            continue;
          }
          throw failure;
        }
        if (ep.response === "json" && delivery === "text") {
          const contentType = res.header("content-type");
          return { data: data as T, response, ...(contentType === undefined ? {} : { contentType }) };
        }
        if (ep.response === "json") {
          data = readJson(ep, data as string, res.header("content-type"), mode, this.validator);
        }
        return { data: data as T, response };
      }

      if (status === 401 && (usedToken || usedCookie) && !reauthenticated && isPasswordAuth(this.options.auth)) {
        // The session expired or was revoked: log in again once, then repeat the call once.
        await res.discard();
        if (usedToken && this.#token === usedToken) this.#token = undefined;
        if (usedCookie) this.#cookieLoggedIn = false;
        if (usedToken) for (const owned of this.#owned ?? []) owned.sessionEnded?.(usedToken);
        reauthenticated = true;
        continue;
      }
      if (
        attempt < maxRetries &&
        replayable &&
        (status === 429 || (RETRYABLE_STATUSES.has(status) && isIdempotent(method)))
      ) {
        const delay = status === 429 ? (rateLimitDelay(res) ?? backoffDelay(attempt)) : backoffDelay(attempt);
        if (delay <= this.options.maxRetryDelay) {
          await res.discard();
          // One 429 pauses every call of this client, instead of each finding out on its own.
          if (status === 429) {
            ownPause = Date.now() + delay;
            this.#pausedUntil = Math.max(this.#pausedUntil, ownPause);
          } else await this.#sleep(delay, signal, method, shownUrl);
          attempt++;
          continue;
        }
      }
      throw await errorFromResponse(res, method, shownUrl, this.#secrets());
    }
  }

  #transportFailure(
    error: unknown,
    method: string,
    url: string,
    timeout: number,
    signal: AbortSignal | undefined,
  ): MatterapiError {
    if (error instanceof MatterapiError) return error;
    // A runtime's message may quote what it was given (fetch quotes an invalid header value): a copy with the
    // client's secrets cut out replaces any error that holds one (redact.ts).
    error = scrubError(error, this.#secrets());
    if (this.#aborting) return this.#closedAbort(method, url, error);
    return connectionFailure(error, method, url, timeout, signal, this.options.maxResponseBytes);
  }

  /**
   * Waits out the client-wide 429 pause, unless it outlasts what this call may wait: its timeout (`bound`, 0 for
   * none) or what is left of its deadline. Then the call fails at once with the 429 it would end with anyway.
   */
  #pause(wait: number, bound: number, signal: AbortSignal | undefined, method: string, url: string): Promise<void> {
    const refusal = pauseTooLong(wait, bound, timeLeft(signal), method, url);
    if (refusal) throw refusal;
    return this.#sleep(wait, signal, method, url);
  }

  #sleep(ms: number, signal: AbortSignal | undefined, method: string, url: string): Promise<void> {
    // close() ends the wait too; the signals are joined only here, off the path of a call that needs no retry.
    return sleep(ms, signal ? eitherSignal(signal, this.#closer.signal) : this.#closer.signal).catch((error) => {
      throw this.#aborting
        ? this.#closedAbort(method, url, error)
        : new RequestAbortedError(method, url, { cause: error });
    });
  }
}
