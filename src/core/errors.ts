/**
 * Every error the client throws. HTTP errors come from one factory (`ApiError.from`) that maps the status to a
 * class, keeping the names Python matterapi users know. No error ever carries the token: URLs are scrubbed of
 * credential query parameters and request headers are never copied in.
 */

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

/** The server did not answer within the timeout. */
export class RequestTimeoutError extends ConnectionError {
  override name = "RequestTimeoutError";
  readonly timeout: number;
  constructor(timeout: number, method: string, url: string, options?: { cause?: unknown }) {
    super(`no answer within ${timeout} ms`, method, url, options);
    this.timeout = timeout;
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
    this.headers = init.headers;
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
/** 429: rate limited. `retryAfter` is the wait the server asked for, in seconds, when it said. */
export class TooManyRequests extends ApiError {
  override name = "TooManyRequests";
  readonly retryAfter: number | undefined;
  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfter = retryAfterSeconds(init.headers);
  }
}

/** Seconds to wait from Retry-After (seconds or an HTTP date) or X-RateLimit-Reset (seconds), if present. */
export function retryAfterSeconds(headers: Record<string, string>, now = Date.now()): number | undefined {
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined && retryAfter !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, (date - now) / 1000);
  }
  const reset = Number(headers["x-ratelimit-reset"]);
  if (headers["x-ratelimit-reset"] !== undefined && Number.isFinite(reset) && reset >= 0) return reset;
  return undefined;
}

/** A URL fit for an error message or a log: credential query parameters are masked. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  return url.slice(0, q) + url.slice(q).replace(/([?&](?:access_token|token|password|mfa_token)=)[^&#]*/gi, "$1***");
}
