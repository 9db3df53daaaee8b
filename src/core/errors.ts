/**
 * Every error the client throws. HTTP errors come from one factory (`ApiError.from`) that maps the status to a
 * class, keeping the names Python matterapi users know. No error ever carries the token: URLs are scrubbed of
 * credentials, request headers are never copied in, secret response headers are masked, and JSON loggers and
 * util.inspect see a redacted copy (src/core/redact.ts holds the rule).
 */
import { corsAdvice } from "./browser.js";
import { errorJson, INSPECT, isRedactedCopy, redactError, redactHeaders, redactUrl } from "./redact.js";
import { retryAfterSeconds } from "./retry-after.js";

export { redactUrl };

/** Mattermost's error body (model.AppError), as the server sends it. */
export interface AppErrorBody {
  id?: string;
  message?: string;
  detailed_error?: string;
  request_id?: string;
  status_code?: number;
  is_oauth?: boolean;
  [key: string]: unknown;
}

/** The base of everything matterapi throws. */
export class MatterapiError extends Error {
  override name = "MatterapiError";

  /** What JSON loggers write: name, message, stack, fields and cause, with secrets masked. */
  toJSON(): Record<string, unknown> {
    return errorJson(this);
  }

  /** util.inspect prints a redacted copy: the same class, fields and [cause] chain. */
  [INSPECT](): unknown {
    return isRedactedCopy(this) ? this : redactError(this);
  }
}

/** The request could not be made or completed: DNS, refused or reset connection, TLS failure. */
export class ConnectionError extends MatterapiError {
  override name = "ConnectionError";
  readonly method: string;
  readonly url: string;
  constructor(message: string, method: string, url: string, options?: { cause?: unknown }) {
    super(`${message} (${method} ${url})`, options);
    this.method = method;
    this.url = url;
  }
}

/**
 * A browser refused a call to another origin (CORS): the server does not allow the page's origin, or cannot be
 * reached (the browser does not say which). Never retried. The message says what the server must allow.
 */
export class CorsError extends ConnectionError {
  override name = "CorsError";
  /** The origin of the page (or worker) that made the call. */
  readonly origin: string;
  constructor(origin: string, method: string, url: string, options?: { cause?: unknown }) {
    super(
      `the browser refused the call from a page of ${origin}: the server does not allow that origin (CORS), or ` +
        `it cannot be reached; ${corsAdvice(origin)}`,
      method,
      url,
      options,
    );
    this.origin = origin;
  }
}

/** The server did not answer within the timeout. */
export class RequestTimeoutError extends ConnectionError {
  override name = "RequestTimeoutError";
  readonly timeout: number;
  constructor(timeout: number, method: string, url: string, options?: { cause?: unknown }) {
    super(`no answer within ${timeout} ms`, method, url, options);
    this.timeout = timeout;
  }
}

/** The call's overall `deadline` passed (retries, waits and the whole body included). */
export class DeadlineExceededError extends RequestTimeoutError {
  override name = "DeadlineExceededError";
  constructor(deadline: number, method: string, url: string, options?: { cause?: unknown }) {
    super(deadline, method, url, options);
    this.message = `not done within the ${deadline} ms deadline (${method} ${url})`;
  }
}

/**
 * An answer read whole (JSON, text, a download not read with `.stream()`) was over `maxResponseBytes`; the
 * connection was dropped. Never retried: the server would send the same again.
 */
export class ResponseTooLargeError extends ConnectionError {
  override name = "ResponseTooLargeError";
  readonly limit: number;
  constructor(limit: number, method: string, url: string, options?: { cause?: unknown }) {
    const fix = "raise it, or read the body with .stream()";
    super(`the answer is over the maxResponseBytes limit of ${limit} bytes (${fix})`, method, url, options);
    this.limit = limit;
  }
}

/** The caller's AbortSignal aborted the request. */
export class RequestAbortedError extends MatterapiError {
  override name = "RequestAbortedError";
  readonly method: string;
  readonly url: string;
  constructor(method: string, url: string, options?: { cause?: unknown }) {
    super(`request aborted (${method} ${url})`, options);
    this.method = method;
    this.url = url;
  }
}

/** The client was used wrongly: bad options, a missing path parameter, a closed client. */
export class UsageError extends MatterapiError {
  override name = "UsageError";
}

/**
 * The SyncClient's worker thread could not start, died or stopped answering. The SyncClient cannot be used after
 * it (its calls fail at once with this error); create a new one.
 */
export class SyncWorkerError extends MatterapiError {
  override name = "SyncWorkerError";
}

/**
 * The event stream could not connect: nothing open within `connectTimeout` (`timeout` set), or an upgrade refused
 * with a status that retrying cannot change (`status` set: 400, 403, 404...).
 */
export class WebSocketConnectError extends ConnectionError {
  override name = "WebSocketConnectError";
  readonly status: number | undefined;
  readonly timeout: number | undefined;
  constructor(message: string, url: string, init: { status?: number; timeout?: number; cause?: unknown } = {}) {
    super(message, "GET", url, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.timeout = init.timeout;
  }
}

/** The server closed the event stream with a code that retrying cannot fix (1003, 1008, 1010, 4002-4999). */
export class WebSocketClosedError extends MatterapiError {
  override name = "WebSocketClosedError";
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string) {
    super(`the server closed the WebSocket with code ${code}${reason ? ` (${reason})` : ""}: retrying cannot help`);
    this.code = code;
    this.reason = reason;
  }
}

/** A frame from the server that the stream could not use (not a JSON object, a bad field, over the size limit). */
export class WebSocketFrameError extends MatterapiError {
  override name = "WebSocketFrameError";
}

export interface ValidationIssue {
  /** The operation whose response did not match (operationId), or "request" for client.request(). */
  operation: string;
  /** The schema the response was checked against (its component name when it has one). */
  schema: string;
  /** Where in the response, as a JSON pointer ("/posts/abc/metadata"). */
  path: string;
  /** The same place in the schema, with map keys as `*` and array indices as `[]`: the key issues are deduplicated by. */
  schemaPath: string;
  /** What the schema expects there. */
  expected: string;
  /** What was there (its JSON type, never its value: responses can hold secrets). */
  actual: string;
}

/** A response did not match its schema (thrown in `strict` validation mode). */
export class ValidationError extends MatterapiError {
  override name = "ValidationError";
  readonly issues: readonly ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(
      `response of ${first.operation} does not match ${first.schema} at ${first.path || "/"}: expected ${first.expected}, got ${first.actual}${more}`,
    );
    this.issues = issues;
  }
}

export interface ApiErrorInit {
  status: number;
  method: string;
  url: string;
  body: AppErrorBody | undefined;
  /** The raw body when it was not a Mattermost AppError (plain text, HTML from a proxy, ...), truncated. */
  text?: string | undefined;
  headers: Record<string, string>;
}

/** An HTTP error answer from the server. Subclasses by status; `ApiError.from` picks the class. */
export class ApiError extends MatterapiError {
  override name = "ApiError";
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Mattermost's error body when the server sent one. */
  readonly body: AppErrorBody | undefined;
  /** Mattermost's error id, e.g. "store.sql_team.save_team.existing.app_error". */
  readonly id: string | undefined;
  readonly detailedError: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Record<string, string>;
  /** The body as text when it was not a Mattermost AppError (truncated). */
  readonly text: string | undefined;

  constructor(init: ApiErrorInit) {
    super(describe(init));
    this.text = init.text;
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
    this.id = init.body?.id;
    this.detailedError = init.body?.detailed_error || undefined;
    this.requestId = init.body?.request_id || init.headers["x-request-id"] || undefined;
    // Secret response headers (Set-Cookie, Token) have no business in an error that may be logged.
    this.headers = redactHeaders(init.headers);
  }

  /** The error class for a status: one place decides, so every path throws the same classes. */
  static from(init: ApiErrorInit): ApiError {
    const status = init.status;
    if (status === 400) return new InvalidOrMissingParameters(init);
    if (status === 401) return new NoAccessTokenProvided(init);
    if (status === 403) return new NotEnoughPermissions(init);
    if (status === 404) return new ResourceNotFound(init);
    if (status === 405) return new MethodNotAllowed(init);
    if (status === 413) return new ContentTooLarge(init);
    if (status === 429) return new TooManyRequests(init);
    if (status === 501) return new FeatureDisabled(init);
    if (status >= 500) return new InternalServerError(init);
    return new ApiError(init);
  }
}

function describe(init: ApiErrorInit): string {
  const body = init.body;
  const what =
    body?.message ||
    (typeof body?.detail === "string" && body.detail) ||
    (typeof body?.title === "string" && body.title) ||
    init.text ||
    (body ? JSON.stringify(body).slice(0, 200) : "(no body)");
  const id = init.body?.id ? ` [${init.body.id}]` : "";
  return `${init.status} ${what}${id} (${init.method} ${init.url})`;
}

/** 400: the request had invalid or missing parameters (also: a team or channel name that is taken). */
export class InvalidOrMissingParameters extends ApiError {
  override name = "InvalidOrMissingParameters";
}
/** 401: no valid session: the token is missing, wrong, expired or revoked. */
export class NoAccessTokenProvided extends ApiError {
  override name = "NoAccessTokenProvided";
}
/** 403: the session lacks a permission the operation needs. */
export class NotEnoughPermissions extends ApiError {
  override name = "NotEnoughPermissions";
}
/** 404: no such resource, or no such route on this server version. */
export class ResourceNotFound extends ApiError {
  override name = "ResourceNotFound";
}
/** 405 */
export class MethodNotAllowed extends ApiError {
  override name = "MethodNotAllowed";
}
/** 413: the body (usually a file) is larger than the server accepts. */
export class ContentTooLarge extends ApiError {
  override name = "ContentTooLarge";
}
/** 501: the feature is disabled or not licensed on this server. */
export class FeatureDisabled extends ApiError {
  override name = "FeatureDisabled";
}
/** 5xx other than 501. */
export class InternalServerError extends ApiError {
  override name = "InternalServerError";
}
/**
 * A 3xx the client did not follow (see the redirect policy in the README). An ApiError, not a ConnectionError:
 * the server did answer, the fix is in the options (usually `url`), and retrying would get the same answer.
 * `location` is where it pointed (credentials masked), undefined when the runtime hid it (a browser's opaque redirect).
 */
export class RedirectError extends ApiError {
  override name = "RedirectError";
  readonly location: string | undefined;
  constructor(init: ApiErrorInit, location: string | undefined, message: string) {
    // The Location header is kept as shown here (absolute, credential parameters masked), like `location`.
    super(
      init.headers.location === undefined ? init : { ...init, headers: { ...init.headers, location: location ?? "" } },
    );
    this.location = location;
    this.message = message;
  }
}
/** 429: rate limited. `retryAfter` is the wait the server asked for, in seconds, when it said. */
export class TooManyRequests extends ApiError {
  override name = "TooManyRequests";
  readonly retryAfter: number | undefined;
  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfter = retryAfterSeconds(init.headers);
  }
}

export { retryAfterSeconds };
