/**
 * The request pipeline every generated method goes through: URL and body building, authentication (token, or
 * log in once and re-login once on 401), retries that honour rate limits, decoding by response kind, and
 * validation. One ClientCore per client or session; it owns one transport (one connection pool).
 */
import { ApiPromise, BinaryPromise, type Outcome, type RequestOptions, type ResponseInfo } from "./api-promise.js";
import { CallDeadline, timeLeft } from "./deadline.js";
import {
  ApiError,
  ConnectionError,
  DeadlineExceededError,
  MatterapiError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseTooLargeError,
  redactUrl,
  UsageError,
  ValidationError,
} from "./errors.js";
import { nodeOnly } from "./node-only.js";
import {
  checkCount,
  checkHeaders,
  checkMillis,
  checkValidation,
  isPasswordAuth,
  type ResolvedOptions,
} from "./options.js";
import { encodePathSegment } from "./path-segment.js";
import { INSPECT, isHeaderValue, namedView, redactHeaders, redactText, redactValue, scrubError } from "./redact.js";
import { isRedirect, redirectStep } from "./redirects.js";
import { backoffDelay, isIdempotent, RETRYABLE_STATUSES, rateLimitDelay, sleep } from "./retry.js";
import type { Schema } from "./schema.js";
import { chunksOf, webStreamOf } from "./streams.js";
import { type Transport, type TransportBody, TransportError, type TransportResponse } from "./transport.js";
import { describe, encodeMultipart, isReplayable, isUploadable, openUploadable, type Uploadable } from "./uploads.js";
import { loadValidator, ResponseValidator, type ValidationMode, validatorLoaded } from "./validation.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS";

/** What execute() hands back: parsed (and validated) data, the unread body, or a JSON answer's text unparsed. */
export type Delivery = "parsed" | "raw" | "text";

/** One operation as the generated code describes it. */
export interface Endpoint {
  /** operationId, used in errors and validation reports. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Template with {name} placeholders, starting with / (joined to the site URL). */
  readonly path: string;
  readonly body?: "json" | "multipart" | "binary" | undefined;
  /** The spec requires the body: a call without one is refused before anything is sent. */
  readonly bodyRequired?: true | undefined;
  /** The method takes a query object (after the body, if any). */
  readonly query?: true | undefined;
  readonly response: "json" | "binary" | "text" | "empty" | "unknown";
  readonly schema?: Schema | undefined;
  /** false: never send the Authorization header (login and friends). */
  readonly auth?: false | undefined;
}

type Query = Record<string, unknown> | undefined;

const LOGIN: Endpoint = {
  id: "Login",
  method: "POST",
  path: "/api/v4/users/login",
  body: "json",
  response: "json",
  auth: false,
};
const LOGOUT: Endpoint = { id: "Logout", method: "POST", path: "/api/v4/users/logout", response: "unknown" };

export class ClientCore {
  readonly options: ResolvedOptions;
  readonly validator: ResponseValidator;
  #transport: Transport | undefined;
  #transportLoading: Promise<Transport> | undefined;
  #token: string | undefined;
  #login: Promise<string> | undefined;
  #pausedUntil = 0;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Set when close() aborts what is in flight; its signal ends the sleeps between retries. */
  #aborting = false;
  readonly #closer = new AbortController();
  readonly #owned = new Set<{ close(): void }>();
  readonly #baseHeaders: Record<string, string>;
  readonly #templates = new Map<string, (string | number)[]>();

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.validator = new ResponseValidator(options.onValidationIssue);
    this.#baseHeaders = { accept: "application/json", ...options.headers };
    if (options.userAgent && typeof window === "undefined") this.#baseHeaders["user-agent"] = options.userAgent;
    if (options.auth && !isPasswordAuth(options.auth)) this.#token = options.auth.token;
    if (typeof options.transport === "object") this.#transport = options.transport;
    // Load the transport and the validator now, in the background: both are imported lazily to keep
    // `import "matterapi"` cheap, and starting here hides that cost behind the caller's own work.
    else this.#loadTransport().catch(() => {});
    if (options.validation !== "off") loadValidator().catch(() => {});
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
    const auth = this.options.auth;
    const secrets = [this.#token, this.options.proxy?.authorization, proxyPassword(this.options.proxy?.url)];
    if (auth) secrets.push(isPasswordAuth(auth) ? auth.password : auth.token);
    for (const [name, value] of Object.entries(this.#baseHeaders)) {
      if (redactHeaders({ [name]: value })[name] !== value) secrets.push(value);
    }
    return secrets.filter((s): s is string => typeof s === "string" && s !== "");
  }

  /** The session token in use (after login for password auth), or undefined. */
  get token(): string | undefined {
    return this.#token;
  }

  call<R>(
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
    body: unknown,
    query: Query,
    options?: RequestOptions,
  ): R {
    const runner = (raw: boolean) => this.execute(ep, path, body, query, options, raw ? "raw" : "parsed");
    return (ep.response === "binary" ? new BinaryPromise(runner as never) : new ApiPromise(runner)) as R;
  }

  /** Forgets a session token the server refused (password auth logs in again on the next call). */
  invalidateToken(token: string): void {
    if (this.#token === token && isPasswordAuth(this.options.auth)) this.#token = undefined;
  }

  /** Makes sure a password client has a session token; returns it (logging in at most once at a time). */
  async ensureLogin(): Promise<string | undefined> {
    if (this.#token || !isPasswordAuth(this.options.auth)) return this.#token;
    this.#login ??= this.#doLogin().finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  async #doLogin(): Promise<string> {
    const auth = this.options.auth;
    if (!isPasswordAuth(auth)) throw new UsageError("login needs password auth");
    const body: Record<string, string> = { login_id: auth.loginId, password: auth.password };
    // The server reads the MFA code from "token" and compares ldap_only with the string "true" (api4/user.go login).
    if (auth.mfaToken) body.token = auth.mfaToken;
    if (auth.ldapOnly) body.ldap_only = "true";
    const outcome = await this.execute(LOGIN, undefined, body, undefined, undefined, "parsed");
    const token = outcome.response.headers.token;
    if (!token) {
      throw new MatterapiError(`login as ${auth.loginId} answered ${outcome.response.status} without a Token header`);
    }
    // It goes back in every Authorization header: one with CR/LF/NUL would corrupt them (value never quoted).
    if (!isHeaderValue(token)) {
      throw new MatterapiError(`login as ${auth.loginId} answered a Token header with characters invalid in a header`);
    }
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
  own(closable: { close(): void }): void {
    this.#owned.add(closable);
  }

  disown(closable: { close(): void }): void {
    this.#owned.delete(closable);
  }

  async #shutdown(): Promise<void> {
    for (const owned of this.#owned) owned.close();
    this.#owned.clear();
    if (isPasswordAuth(this.options.auth) && this.#token) {
      try {
        await this.execute(LOGOUT, undefined, undefined, undefined, { maxRetries: 0, timeout: 5_000 }, "parsed");
      } catch {
        // The session expires on its own; closing must not fail because the server is gone.
      }
      this.#token = undefined;
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
    const error = new RequestAbortedError(method, url, { cause: cause ?? this.#closer.signal.reason });
    error.message = `request aborted by close() after the ${this.options.closeTimeout} ms closeTimeout (${method} ${url})`;
    return error;
  }

  #loadTransport(): Promise<Transport> {
    this.#transportLoading ??= createTransport(this.options).then((t) => {
      this.#transport = t;
      return t;
    });
    return this.#transportLoading;
  }

  /** Builds the URL: path parameters encoded into the template, query parameters appended (undefined skipped). */
  buildUrl(ep: Endpoint, path: readonly (string | number)[] | undefined, query: Query): string {
    let parts = this.#templates.get(ep.path);
    if (!parts) {
      // Even indices are literal text, odd ones the names of parameters.
      parts = ep.path.split(/\{([^}]+)\}/);
      this.#templates.set(ep.path, parts);
    }
    let url = this.options.baseUrl;
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 0) {
        url += parts[i];
        continue;
      }
      url += encodePathSegment(ep.id, parts[i] as string, path?.[(i - 1) / 2]);
    }
    if (query) {
      if (typeof query !== "object" || Array.isArray(query)) {
        throw new UsageError(`${ep.id}: query parameters must be an object, got ${describe(query)}`);
      }
      let sep = "?";
      for (const key in query) {
        const value = query[key];
        if (value === undefined || value === null) continue;
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) {
          if (typeof v === "object")
            throw new UsageError(`${ep.id}: query parameter ${key} cannot be a ${describe(v)}`);
          try {
            url += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`;
          } catch {
            // encodeURIComponent's URIError: a lone surrogate (broken UTF-16) cannot be sent as UTF-8.
            throw new UsageError(`${ep.id}: query parameter ${JSON.stringify(key)} holds a lone surrogate`);
          }
          sep = "&";
        }
      }
    }
    return url;
  }

  /** Runs a call; with a deadline (the call's or the client's), inside it. Not async: no deadline costs nothing. */
  execute<T>(
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
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
    return this.#withDeadline(deadline, ep, path, body, query, options, delivery);
  }

  async #withDeadline<T>(
    deadline: number,
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
    body: unknown,
    query: Query,
    options: RequestOptions | undefined,
    delivery: Delivery,
  ): Promise<Outcome<T>> {
    const limit = new CallDeadline(deadline, options?.signal);
    const failure = (error: unknown) => {
      if (!limit.expired) return error;
      const { method, url } = error as { method?: string; url?: string };
      return new DeadlineExceededError(deadline, method ?? ep.method, url ?? ep.path, { cause: error });
    };
    let outcome: Outcome<T>;
    try {
      outcome = await this.#execute<T>(ep, path, body, query, { ...options, signal: limit.signal }, delivery);
    } catch (error) {
      limit.stop();
      throw failure(error);
    }
    const stream = outcome.stream;
    if (!stream) {
      limit.stop();
      return outcome;
    }
    // An unread body stays under the deadline until it is read, cancelled or failed.
    return {
      ...outcome,
      stream: () => webStreamOf(chunksOf(stream()), { finish: () => limit.stop(), mapError: failure }),
    };
  }

  async #execute<T>(
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
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
    if (mode !== "off" && ep.schema && !validatorLoaded()) void loadValidator();

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
      if (ep.auth !== false) {
        usedToken = this.#token ?? (await this.ensureLogin());
        if (usedToken && !headers.authorization) headers.authorization = `Bearer ${usedToken}`;
      }
      const payload = await this.#encodeBody(ep, body, headers);

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
        if (this.#mayRetry(failure, attempt, maxRetries, replayable, method)) {
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
          data = ep.response === "json" ? await res.text() : await this.#decode(res, ep);
        } catch (error) {
          if (!(error instanceof TransportError)) throw error;
          const failure = this.#transportFailure(error, method, shownUrl, timeout, signal);
          // The connection dropped mid-answer: safe to ask again only for an idempotent request.
          if (this.#mayRetry(failure, attempt, maxRetries, replayable, method)) {
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
          if (ep.schema && mode !== "off" && !validatorLoaded()) await loadValidator();
          data = readJson(ep, data as string, res.header("content-type"), mode, this.validator);
        }
        return { data: data as T, response };
      }

      if (status === 401 && usedToken && !reauthenticated && isPasswordAuth(this.options.auth)) {
        // The session expired or was revoked: log in again once, then repeat the call once.
        await res.discard();
        if (this.#token === usedToken) this.#token = undefined;
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

  async #encodeBody(ep: Endpoint, body: unknown, headers: Record<string, string>): Promise<TransportBody | undefined> {
    if (body === undefined) return undefined;
    switch (ep.body) {
      case "multipart":
        return encodeMultipart(body as Record<string, unknown>);
      case "binary":
        if (!isUploadable(body))
          throw new UsageError(`${ep.id}: the body must be bytes, a Blob or a stream, got ${describe(body)}`);
        headers["content-type"] ??= "application/octet-stream";
        return openUploadable(body as Uploadable);
      default: {
        headers["content-type"] = "application/json";
        let text: string | undefined;
        try {
          text = JSON.stringify(body);
        } catch (error) {
          throw new UsageError(`${ep.id}: the body cannot be sent as JSON: ${(error as Error).message}`);
        }
        if (text === undefined) throw new UsageError(`${ep.id}: the body cannot be sent as JSON (${describe(body)})`);
        return text;
      }
    }
  }

  /** Reads an answer that is not documented as JSON: bytes, text, nothing, or whatever it turns out to be. */
  async #decode(res: TransportResponse, ep: Endpoint): Promise<unknown> {
    switch (ep.response) {
      case "binary":
        return res.bytes();
      case "text":
        return res.text();
      case "empty":
        await res.discard();
        return undefined;
      default: {
        const text = await res.text();
        if (text === "") return undefined;
        if (/json/i.test(res.header("content-type") ?? "")) {
          try {
            return JSON.parse(text);
          } catch {
            return text;
          }
        }
        return text;
      }
    }
  }

  /** A connection failure (not a timeout) of an idempotent request with a body that can be sent again. */
  #mayRetry(
    failure: MatterapiError,
    attempt: number,
    maxRetries: number,
    replayable: boolean,
    method: string,
  ): boolean {
    return (
      failure instanceof ConnectionError &&
      !(failure instanceof RequestTimeoutError) &&
      !(failure instanceof ResponseTooLargeError) &&
      attempt < maxRetries &&
      replayable &&
      isIdempotent(method)
    );
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
    if (error instanceof TransportError) {
      if (error.kind === "abort" || signal?.aborted) return new RequestAbortedError(method, url, { cause: error });
      if (error.kind === "timeout") return new RequestTimeoutError(timeout, method, url, { cause: error });
      if (error.kind === "too-large") {
        return new ResponseTooLargeError(this.options.maxResponseBytes, method, url, { cause: error });
      }
      return new ConnectionError(error.message, method, url, { cause: error });
    }
    if (signal?.aborted) return new RequestAbortedError(method, url, { cause: error });
    return new ConnectionError((error as Error)?.message ?? String(error), method, url, { cause: error });
  }

  /**
   * Waits out the client-wide 429 pause, unless it outlasts what this call may wait: its timeout (`bound`, 0 for
   * none) or what is left of its deadline. Then the call fails at once with the 429 it would end with anyway.
   */
  #pause(wait: number, bound: number, signal: AbortSignal | undefined, method: string, url: string): Promise<void> {
    const left = timeLeft(signal);
    if ((bound > 0 && wait > bound) || wait > left) {
      const limit =
        wait > left ? `what is left of its deadline (${Math.max(0, Math.round(left))} ms)` : `its ${bound} ms timeout`;
      throw ApiError.from({
        status: 429,
        method,
        url,
        body: undefined,
        text: `not sent: a 429 answer paused the client for ${Math.ceil(wait)} ms more, longer than ${limit}`,
        headers: { "retry-after": String(Math.ceil(wait / 1000)) },
      });
    }
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

/**
 * An answer documented as JSON: parsed and checked against the operation's schema. One that is not JSON (the
 * server disagrees with the docs) comes back as text with a reported issue, or is refused in strict mode.
 * The schema compiler must be loaded when validation is on.
 */
export function readJson(
  ep: Endpoint,
  text: string,
  contentType: string | undefined,
  mode: ValidationMode,
  validator: ResponseValidator,
): unknown {
  if (text === "") return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const issue = {
      operation: ep.id,
      schema: ep.schema?.title ?? "JSON",
      path: "",
      schemaPath: "",
      expected: "a JSON body",
      actual: `${contentType ?? "no content type"} (${text.length} bytes)`,
    };
    if (mode === "strict") throw new ValidationError([issue]);
    if (mode === "lenient") validator.report(issue);
    return text;
  }
  if (ep.schema && mode !== "off") validator.check(ep.schema, data, mode, ep.id);
  return data;
}

class LazyResponseInfo implements ResponseInfo {
  #res: TransportResponse;
  #headers: Record<string, string> | undefined;
  readonly status: number;
  readonly method: string;
  readonly url: string;
  constructor(res: TransportResponse, method: string, url: string) {
    this.#res = res;
    this.status = res.status;
    this.method = method;
    this.url = url;
  }
  get headers(): Record<string, string> {
    this.#headers ??= this.#res.headers();
    return this.#headers;
  }
  get requestId(): string | undefined {
    return this.#res.header("x-request-id");
  }
  /** For logs: the Token and Set-Cookie headers (a login's answer) masked; `.headers` itself is left whole. */
  toJSON() {
    return {
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      headers: redactHeaders(this.headers),
    };
  }
  [INSPECT](): object {
    return namedView("ResponseInfo", this.toJSON());
  }
}

function responseInfo(res: TransportResponse, method: string, url: string): ResponseInfo {
  return new LazyResponseInfo(res, method, url);
}

/** Reads an error answer into the right ApiError subclass, whatever the body is (AppError JSON, text, HTML, nothing). */
export async function errorFromResponse(
  res: TransportResponse,
  method: string,
  url: string,
  secrets: readonly string[] = [],
): Promise<ApiError> {
  let text = "";
  try {
    text = await res.text();
  } catch {
    // The body is lost; the status still says what happened.
  }
  let body: Record<string, unknown> | undefined;
  if (text) {
    try {
      const parsed = JSON.parse(text);
      // A server may echo the request (its URL, a header) into the message: secrets masked (redact.ts).
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = redactValue(parsed, secrets) as never;
    } catch {
      // Not JSON (a proxy's HTML page, the rate limiter's text): kept as text below.
    }
  }
  const trimmed = redactText(text.trim(), secrets);
  return ApiError.from({
    status: res.status,
    method,
    url,
    body,
    text: body ? undefined : trimmed.length > 300 ? `${trimmed.slice(0, 300)}...` : trimmed || undefined,
    headers: res.headers(),
  });
}

async function createTransport(options: ResolvedOptions): Promise<Transport> {
  const choice = options.transport;
  if (typeof choice === "object") return choice;
  const useFetch = choice === "fetch" || (choice === "auto" && !isNode());
  if (useFetch) {
    const { createFetchTransport } = await import("./transports/fetch.js");
    return createFetchTransport(options.fetch, { maxConnections: options.maxConnections });
  }
  const { createUndiciTransport } = await nodeOnly.undiciTransport();
  return createUndiciTransport({
    tls: options.tls,
    proxy: options.proxy,
    connectTimeout: options.timeout > 0 ? Math.min(options.timeout, 30_000) : 30_000,
    maxConnections: options.maxConnections,
  });
}

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown };
  return Boolean(g.process?.versions?.node) && !g.process?.versions?.bun && !g.Deno;
}

/** The password in a proxy URL's userinfo (undici sends it as Proxy-Authorization), if any. */
function proxyPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `promise` settles within `ms` (0: only if it already has). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.min(ms, 2 ** 31 - 1));
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A signal that aborts when either does (AbortSignal.any is missing before Node 20.3). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  if (a.aborted || b.aborted) controller.abort(a.aborted ? a.reason : b.reason);
  a.addEventListener("abort", abort(a), { once: true });
  b.addEventListener("abort", abort(b), { once: true });
  return controller.signal;
}
