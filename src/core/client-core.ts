/**
 * The request pipeline every generated method goes through: URL and body building, authentication (token, or
 * log in once and re-login once on 401), retries that honour rate limits, decoding by response kind, and
 * validation. One ClientCore per client or session; it owns one transport (one connection pool).
 */
import { ApiPromise, BinaryPromise, type Outcome, type RequestOptions, type ResponseInfo } from "./api-promise.js";
import {
  ApiError,
  ConnectionError,
  MatterapiError,
  RequestAbortedError,
  RequestTimeoutError,
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
    this.#token = token;
    return token;
  }

  /** Ends the session this client logged in (password auth) and closes its connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
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
    await created?.close();
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
      const value = path?.[(i - 1) / 2];
      if ((typeof value !== "string" && typeof value !== "number") || value === "") {
        throw new UsageError(
          `${ep.id}: path parameter ${parts[i]} must be a non-empty string, got ${value === "" ? "an empty string" : describe(value)}`,
        );
      }
      url += encodeURIComponent(value);
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
          url += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`;
          sep = "&";
        }
      }
    }
    return url;
  }

  async execute<T>(
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
    body: unknown,
    query: Query,
    options: RequestOptions | undefined,
    delivery: Delivery,
  ): Promise<Outcome<T>> {
    if (this.#closed) throw new UsageError(`${ep.id}: the client is closed`);
    const url = this.buildUrl(ep, path, query);
    const method = ep.method;
    const shownUrl = redactUrl(url);
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
    for (;;) {
      if (signal?.aborted) throw new RequestAbortedError(method, shownUrl, { cause: signal.reason });
      const wait = this.#pausedUntil - Date.now();
      if (wait > 0) await this.#sleep(wait, signal, method, shownUrl);

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
        res = await transport.request({ method, url, headers, body: payload, signal, timeout });
      } catch (error) {
        const failure = this.#transportFailure(error, method, shownUrl, timeout, signal);
        if (this.#mayRetry(failure, attempt, maxRetries, replayable, method)) {
          await this.#sleep(backoffDelay(attempt++), signal, method, shownUrl);
          continue;
        }
        throw failure;
      }

      const status = res.status;
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
          if (status === 429) this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + delay);
          else await this.#sleep(delay, signal, method, shownUrl);
          attempt++;
          continue;
        }
      }
      throw await errorFromResponse(res, method, shownUrl);
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
    if (error instanceof TransportError) {
      if (error.kind === "abort" || signal?.aborted) return new RequestAbortedError(method, url, { cause: error });
      if (error.kind === "timeout") return new RequestTimeoutError(timeout, method, url, { cause: error });
      return new ConnectionError(error.message, method, url, { cause: error });
    }
    if (signal?.aborted) return new RequestAbortedError(method, url, { cause: error });
    return new ConnectionError((error as Error)?.message ?? String(error), method, url, { cause: error });
  }

  #sleep(ms: number, signal: AbortSignal | undefined, method: string, url: string): Promise<void> {
    return sleep(ms, signal).catch((error) => {
      throw new RequestAbortedError(method, url, { cause: error });
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
  toJSON() {
    return {
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      headers: this.headers,
    };
  }
}

function responseInfo(res: TransportResponse, method: string, url: string): ResponseInfo {
  return new LazyResponseInfo(res, method, url);
}

/** Reads an error answer into the right ApiError subclass, whatever the body is (AppError JSON, text, HTML, nothing). */
export async function errorFromResponse(res: TransportResponse, method: string, url: string): Promise<ApiError> {
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
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed;
    } catch {
      // Not JSON (a proxy's HTML page, the rate limiter's text): kept as text below.
    }
  }
  const trimmed = text.trim();
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
    return createFetchTransport(options.fetch);
  }
  const { createUndiciTransport } = await nodeOnly.undiciTransport();
  return createUndiciTransport({
    tls: options.tls,
    proxy: options.proxy,
    connectTimeout: options.timeout > 0 ? Math.min(options.timeout, 30_000) : 30_000,
  });
}

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown };
  return Boolean(g.process?.versions?.node) && !g.process?.versions?.bun && !g.Deno;
}
