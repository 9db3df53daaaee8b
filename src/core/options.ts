/** Client options: what they are, their defaults, and the checks that reject bad ones at construction. */
import { UsageError } from "./errors.js";
import { isHeaderValue, redacting, redactUrl } from "./redact.js";
import type { Transport } from "./transport.js";
import type { FetchFunction } from "./transports/fetch.js";
import type { ProxyOptions, TlsOptions } from "./transports/undici.js";
import { type IssueHandler, VALIDATION_MODES, type ValidationMode } from "./validation.js";

/** A session token or personal access token (bot tokens are personal access tokens). */
export interface TokenAuth {
  token: string;
}

/** Username or email and password; the client logs in once and reuses the session token. */
export interface PasswordAuth {
  /** Username or email. */
  loginId: string;
  password: string;
  /** The current MFA code, for users with multi-factor authentication. */
  mfaToken?: string | undefined;
  /** Log in through LDAP only. */
  ldapOnly?: boolean | undefined;
  /**
   * Browsers: log in for a cookie session (the server sets MMAUTHTOKEN, HttpOnly, and MMCSRF) instead of holding
   * the token; every call then goes with the browser's cookies, and the event stream resumes. See CookieAuth.
   */
  cookie?: boolean | undefined;
}

/**
 * Browsers: the Mattermost session the browser already has (its MMAUTHTOKEN cookie: a page or plugin served by
 * Mattermost, or a login made with `{ loginId, password, cookie: true }`). Calls go with the browser's cookies
 * (`credentials: "include"`) and `X-Requested-With: XMLHttpRequest`; calls other than GET send `X-CSRF-Token` from
 * the MMCSRF cookie. The client never sees the token.
 */
export interface CookieAuth {
  cookie: true;
}

export interface ClientOptions {
  /** Site URL of the Mattermost server, e.g. "https://chat.example.com" (without /api/v4). Required. */
  url: string;
  /** How to authenticate. Without it only operations that need no session work. */
  auth?: TokenAuth | PasswordAuth | CookieAuth | undefined;
  /** Milliseconds to wait for an answer to start and between chunks of it; 0 waits forever. Default 30000. */
  timeout?: number | undefined;
  /** Retries after 429, 502/503/504 and connection failures (see README). 0 turns retries off. Default 2. */
  maxRetries?: number | undefined;
  /** The longest wait (ms) a 429's Retry-After may impose before the client gives up instead. Default 60000. */
  maxRetryDelay?: number | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** The largest answer read whole (JSON, text, downloads not read with `.stream()`), in bytes. Default 64 MiB. */
  maxResponseBytes?: number | undefined;
  /** ms a call may take in all (retries, waits and the whole body included); 0 (default) sets no deadline. */
  deadline?: number | undefined;
  /** Connections open at once per origin; further calls queue. Default 64. */
  maxConnections?: number | undefined;
  /** ms close() gives calls in flight and unread downloads before it aborts them; 0: at once. Default 5000. */
  closeTimeout?: number | undefined;
  /** TLS settings (undici transport only). */
  tls?: TlsOptions | undefined;
  /** An HTTP proxy URL, or { url, authorization } (undici transport only). */
  proxy?: string | ProxyOptions | undefined;
  /** "auto" (default: undici on Node, fetch elsewhere), "undici", "fetch", or your own Transport. */
  transport?: "auto" | "undici" | "fetch" | Transport | undefined;
  /** A fetch implementation; implies the fetch transport. */
  fetch?: FetchFunction | undefined;
  /** Response validation: "lenient" (default), "strict" or "off". */
  validation?: ValidationMode | undefined;
  /** Called once per distinct mismatch (operation + schema path) in lenient mode. */
  onValidationIssue?: IssueHandler | undefined;
  /** User-Agent header (Node only; browsers set their own). Default "matterapi/<version>". */
  userAgent?: string | undefined;
}

export interface ResolvedOptions {
  baseUrl: string;
  auth: TokenAuth | PasswordAuth | CookieAuth | undefined;
  timeout: number;
  maxRetries: number;
  maxRetryDelay: number;
  headers: Record<string, string>;
  maxResponseBytes: number;
  deadline: number;
  maxConnections: number;
  closeTimeout: number;
  tls: TlsOptions | undefined;
  proxy: ProxyOptions | undefined;
  transport: "auto" | "undici" | "fetch" | Transport;
  fetch: FetchFunction | undefined;
  validation: ValidationMode;
  onValidationIssue: IssueHandler | undefined;
  userAgent: string;
}

export const VERSION = "0.1.0";

export const DEFAULTS = {
  timeout: 30_000,
  maxRetries: 2,
  maxRetryDelay: 60_000,
  maxResponseBytes: 64 * 1024 * 1024,
  deadline: 0,
  maxConnections: 64,
  closeTimeout: 5_000,
  validation: "lenient" as ValidationMode,
  userAgent: `matterapi/${VERSION}`,
};

const KNOWN = new Set([
  "url",
  "auth",
  "timeout",
  "maxRetries",
  "maxRetryDelay",
  "headers",
  "maxResponseBytes",
  "deadline",
  "maxConnections",
  "closeTimeout",
  "tls",
  "proxy",
  "transport",
  "fetch",
  "validation",
  "onValidationIssue",
  "userAgent",
]);

function fail(option: string, problem: string): never {
  throw new UsageError(`matterapi: option ${option} ${problem}`);
}

export function isPasswordAuth(auth: TokenAuth | PasswordAuth | CookieAuth | undefined): auth is PasswordAuth {
  return auth !== undefined && "password" in auth;
}

/** A cookie session (CookieAuth, or a password login with `cookie: true`): the browser holds the session. */
export function isCookieSession(auth: TokenAuth | PasswordAuth | CookieAuth | undefined): boolean {
  return auth !== undefined && "cookie" in auth && auth.cookie === true;
}

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new UsageError("matterapi: the client needs an options object, e.g. { url, auth: { token } }");
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail(key, `is not an option (known: ${[...KNOWN].join(", ")})`);
  }
  return sealed({
    baseUrl: checkUrl(options.url),
    auth: checkAuth(options.auth),
    timeout: checkMillis("timeout", options.timeout, DEFAULTS.timeout),
    maxRetries: checkCount("maxRetries", options.maxRetries, DEFAULTS.maxRetries),
    maxRetryDelay: checkMillis("maxRetryDelay", options.maxRetryDelay, DEFAULTS.maxRetryDelay),
    headers: checkHeaders("headers", options.headers),
    maxResponseBytes: checkPositive("maxResponseBytes", options.maxResponseBytes, DEFAULTS.maxResponseBytes),
    deadline: checkMillis("deadline", options.deadline, DEFAULTS.deadline),
    maxConnections: checkPositive("maxConnections", options.maxConnections, DEFAULTS.maxConnections),
    closeTimeout: checkMillis("closeTimeout", options.closeTimeout, DEFAULTS.closeTimeout),
    tls: checkTls(options.tls),
    proxy: checkProxy(options.proxy),
    transport: checkTransport(options),
    fetch: options.fetch,
    validation: checkValidation("validation", options.validation) ?? DEFAULTS.validation,
    onValidationIssue: checkFunction("onValidationIssue", options.onValidationIssue),
    userAgent: options.userAgent === undefined ? DEFAULTS.userAgent : checkHeaderValue("userAgent", options.userAgent),
  });
}

/** The options the client keeps print with their secrets masked (JSON loggers, util.inspect): see redact.ts. */
function sealed(resolved: ResolvedOptions): ResolvedOptions {
  // auth, headers and proxy are copies already; tls is the caller's object, which is not ours to change.
  if (resolved.tls) resolved.tls = { ...resolved.tls };
  for (const part of [resolved.auth, resolved.headers, resolved.proxy, resolved.tls]) {
    if (part) redacting(part, "Object");
  }
  return redacting(resolved, "ResolvedOptions");
}

/**
 * A header value CR, LF, NUL or another control character would corrupt (or smuggle a second header): refused
 * here, naming the option and never quoting the value, which is usually a secret.
 */
export function checkHeaderValue(option: string, value: unknown): string {
  if (typeof value !== "string") fail(option, `must be a string, got ${typeof value}`);
  if (!isHeaderValue(value)) {
    fail(option, "must not contain CR, LF, NUL or other control characters (it is sent as an HTTP header)");
  }
  return value;
}

function checkUrl(url: unknown): string {
  if (url === undefined || url === null || url === "")
    fail("url", 'is required: the server\'s site URL, e.g. "https://chat.example.com"');
  if (typeof url !== "string") fail("url", `must be a string, got ${typeof url}`);
  // Before anything quotes it: "user:pw@host" has no scheme, and "user" would be read as one.
  const beforeQuery = url.replace(/[?#].*$/s, "");
  if (redactUrl(beforeQuery) !== beforeQuery) fail("url", "must not contain credentials; use the auth option");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const shown = redactUrl(url);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) fail("url", `must be a valid URL (got "${shown}")`);
    fail("url", `must be an absolute URL with a scheme, e.g. "https://${shown}" (got "${shown}")`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    fail("url", `must use http or https, got "${parsed.protocol.replace(/:$/, "")}"`);
  }
  if (parsed.username || parsed.password) fail("url", "must not contain credentials; use the auth option");
  if (parsed.search || parsed.hash) fail("url", "must not have a query or fragment");
  // The spec's paths start with /api/v4, so the base is the site URL; a trailing /api/v4 is a common slip.
  const path = parsed.pathname.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
  return `${parsed.origin}${path}`;
}

function checkAuth(auth: unknown): TokenAuth | PasswordAuth | CookieAuth | undefined {
  if (auth === undefined) return undefined;
  if (typeof auth !== "object" || auth === null) fail("auth", "must be { token } or { loginId, password }");
  const a = auth as Record<string, unknown>;
  if (a.cookie !== undefined && typeof a.cookie !== "boolean") fail("auth.cookie", "must be a boolean");
  if (a.cookie === true && !("password" in a) && !("loginId" in a)) {
    for (const key of Object.keys(a)) if (key !== "cookie") fail(`auth.${key}`, "is not a cookie session field");
    return { cookie: true };
  }
  const hasToken = "token" in a;
  const hasPassword = "password" in a || "loginId" in a;
  if (hasToken && hasPassword) fail("auth", "takes either a token or a loginId and password, not both");
  if (hasToken) {
    for (const key of Object.keys(a)) if (key !== "token") fail(`auth.${key}`, "is not a token auth field");
    if (typeof a.token !== "string" || a.token.trim() === "") fail("auth.token", "must be a non-empty string");
    checkHeaderValue("auth.token", a.token);
    return { token: a.token };
  }
  if (!hasPassword) {
    fail("auth", "must be { token }, { loginId, password, mfaToken?, ldapOnly?, cookie? } or { cookie: true }");
  }
  for (const key of Object.keys(a)) {
    if (!["loginId", "password", "mfaToken", "ldapOnly", "cookie"].includes(key))
      fail(`auth.${key}`, "is not a password auth field");
  }
  if (typeof a.loginId !== "string" || a.loginId === "") fail("auth.loginId", "must be a non-empty string");
  if (typeof a.password !== "string" || a.password === "") fail("auth.password", "must be a non-empty string");
  if (a.mfaToken !== undefined && typeof a.mfaToken !== "string") fail("auth.mfaToken", "must be a string");
  if (a.ldapOnly !== undefined && typeof a.ldapOnly !== "boolean") fail("auth.ldapOnly", "must be a boolean");
  return {
    loginId: a.loginId,
    password: a.password,
    ...(a.mfaToken !== undefined ? { mfaToken: a.mfaToken as string } : {}),
    ...(a.ldapOnly !== undefined ? { ldapOnly: a.ldapOnly as boolean } : {}),
    ...(a.cookie === true ? { cookie: true } : {}),
  };
}

/** Any non-negative number of ms; values past what a timer can hold (2^31-1 ms, 24.8 days) are clamped where used. */
export function checkMillis(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    fail(option, `must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/** A positive integer (a size or a count); Infinity is allowed and means no limit. */
export function checkPositive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value === Number.POSITIVE_INFINITY || Number.isInteger(value)) || value < 1) {
    fail(option, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function checkCount(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    fail(option, `must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function checkHeaders(option: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(option, "must be an object of strings");
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      fail(option, `has an invalid header name ${JSON.stringify(name.slice(0, 40))}`);
    }
    checkHeaderValue(`${option}.${name}`, v);
    out[name.toLowerCase()] = v;
  }
  return out;
}

export function checkValidation(option: string, value: unknown): ValidationMode | undefined {
  if (value === undefined) return undefined;
  if (!VALIDATION_MODES.includes(value as ValidationMode)) {
    fail(option, `must be one of ${VALIDATION_MODES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as ValidationMode;
}

function checkFunction<T>(option: string, value: T): T {
  if (value !== undefined && typeof value !== "function") fail(option, "must be a function");
  return value;
}

function checkTls(value: unknown): TlsOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null) fail("tls", "must be an object");
  const tls = value as Record<string, unknown>;
  for (const key of Object.keys(tls)) {
    if (!["rejectUnauthorized", "ca", "cert", "key"].includes(key)) fail(`tls.${key}`, "is not a TLS option");
  }
  if (tls.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== "boolean") {
    fail("tls.rejectUnauthorized", "must be a boolean");
  }
  if ((tls.cert === undefined) !== (tls.key === undefined))
    fail("tls", "needs both cert and key for a client certificate");
  return tls as TlsOptions;
}

function checkProxy(value: unknown): ProxyOptions | undefined {
  if (value === undefined) return undefined;
  const proxy = typeof value === "string" ? { url: value } : (value as ProxyOptions);
  if (typeof proxy !== "object" || proxy === null || typeof proxy.url !== "string") {
    fail("proxy", "must be a URL string or { url, authorization? }");
  }
  try {
    const parsed = new URL(proxy.url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
  } catch {
    // The proxy URL may hold user:password@: quoted masked.
    fail("proxy", `must be an http(s) URL, got "${redactUrl(proxy.url)}"`);
  }
  if (proxy.authorization === undefined) return { url: proxy.url };
  // A copy: the client masks it when printed, and must not touch the caller's object.
  return { url: proxy.url, authorization: checkHeaderValue("proxy.authorization", proxy.authorization) };
}

function checkTransport(options: ClientOptions): ResolvedOptions["transport"] {
  const transport = options.transport ?? (options.fetch ? "fetch" : "auto");
  if (options.fetch !== undefined && typeof options.fetch !== "function") fail("fetch", "must be a function");
  if (typeof transport === "object" && transport !== null) {
    if (typeof transport.request !== "function" || typeof transport.close !== "function") {
      fail("transport", 'must be "auto", "undici", "fetch" or an object with request() and close()');
    }
    if (options.tls || options.proxy)
      fail("transport", "is your own; tls and proxy apply to the built-in undici transport only");
    return transport;
  }
  if (!["auto", "undici", "fetch"].includes(transport as string)) {
    fail("transport", `must be "auto", "undici", "fetch" or a Transport, got ${JSON.stringify(transport)}`);
  }
  if (transport === "fetch" && (options.tls || options.proxy)) {
    fail("transport", '"fetch" cannot apply tls or proxy options; use the undici transport (Node) for them');
  }
  if (options.fetch && transport === "undici")
    fail("fetch", 'is used by the fetch transport, but transport is "undici"');
  return transport;
}
