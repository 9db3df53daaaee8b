/**
 * The one redaction rule. Which names hold secrets (object keys, header names, query parameters), how a URL's
 * userinfo and secret parameters are masked, and how known secret values are cut out of text. Every public object's
 * toJSON and util.inspect view, every URL in an error, and every message built from a thrown error go through here,
 * so that what a logger prints never holds a token, a password, an MFA code, a cookie or a proxy password.
 * No imports: the browser build uses it too (util.inspect finds its hook by the global symbol below).
 */

export const MASK = "***";

/** util.inspect's hook, by its registered name: no `node:util` import needed, and harmless in browsers. */
export const INSPECT: unique symbol = Symbol.for("nodejs.util.inspect.custom") as never;

/** Secret names, lower-case with `-` and `_` dropped; any name ending in one of SECRET_SUFFIXES is secret too. */
const SECRET_NAMES = new Set(["authorization", "proxyauthorization", "cookie", "setcookie", "key", "passphrase"]);
/** token, access_token, refresh_token, mfa_token, mfaToken, x-csrf-token, client_secret, password, ... */
const SECRET_SUFFIXES = /(?:token|secret|password|passwd)$/;
/** Secret in a URL only: an OAuth authorization code (as an object key, `code` is an error code). */
const URL_ONLY_NAMES = new Set(["code"]);

export function isSecretName(name: string, inUrl = false): boolean {
  const n = name.toLowerCase().replace(/[-_]/g, "");
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.test(n) || (inUrl && URL_ONLY_NAMES.has(n));
}

/** A header value any HTTP stack accepts (undici's and fetch's rule): no CR, LF, NUL or other control character. */
export function isHeaderValue(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

/**
 * A URL fit for an error message or a log: userinfo (`user:password@`) becomes `***@`, and the value of every
 * secret query or fragment parameter `***`. Works on relative and malformed URLs too (no parsing).
 */
export function redactUrl(url: string): string {
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? "";
  const end = url.slice(scheme.length).search(/[/?#]/);
  const authority = end < 0 ? url.slice(scheme.length) : url.slice(scheme.length, scheme.length + end);
  const at = authority.lastIndexOf("@");
  let out = at < 0 ? url : `${scheme}${MASK}${url.slice(scheme.length + at)}`;
  const q = out.search(/[?#]/);
  if (q >= 0) out = out.slice(0, q) + out.slice(q).replace(/([?&;#])([^=&;#?]*)=([^&;#]*)/g, maskPair);
  return out;
}

function maskPair(match: string, sep: string, name: string): string {
  return isSecretName(safeDecode(name), true) ? `${sep}${name}=${MASK}` : match;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Text (an error message, a stack, a body) with secrets masked: the given secret values wherever they appear
 * (as they are and percent-encoded), URLs as redactUrl, `Bearer`/`Basic` credentials, and `name=value` pairs
 * with a secret name (`access_token=...`, `MMAUTHTOKEN=...`, and `?code=...` / `&code=...` of a relative URL).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    out = out.replaceAll(secret, MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.replaceAll(encoded, MASK);
  }
  return (
    out
      // Each pattern starts only where a word starts (the character before is captured, not looked behind at:
      // older Safari lacks lookbehind), so that a hostile 10 MB body stays linear.
      .replace(
        /(^|[^a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s"'<>`)]+)/gi,
        (_m, pre: string, url: string) => pre + redactUrl(url),
      )
      .replace(/\b(Bearer|Basic)\s+[^\s"'`,;]+/gi, `$1 ${MASK}`)
      .replace(/(^|[^\w.-])([\w.-]{1,64})=([^\s&;,"'`)]+)/g, (m, pre: string, name: string) =>
        // `code` is a secret as a URL parameter (?code=...), an error code elsewhere (code=ECONNRESET).
        isSecretName(name, /^[?&#;]$/.test(pre)) ? `${pre}${name}=${MASK}` : m,
      )
  );
}

/** Header values with every secret header (Authorization, Cookie, Set-Cookie, Token, ...) masked. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    if (isSecretName(name)) {
      out ??= { ...headers };
      out[name] = MASK;
    }
  }
  return out ?? headers;
}

/**
 * A copy of a value fit for a log: secret keys masked at any depth, strings passed through redactText, errors as
 * redactError, objects with a toJSON of their own (ours redact themselves) through it, other class instances as
 * `[ClassName]`. Cycles and depth are bounded.
 */
export function redactValue(
  value: unknown,
  secrets: readonly string[] = [],
  depth = 0,
  seen = new Set<object>(),
): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) return depth > 6 ? `[${value.name}]` : redactError(value, secrets, depth + 1);
  if (seen.has(value) || depth > 8) return seen.has(value) ? "[Circular]" : "[Object]";
  const original = value;
  seen.add(original);
  try {
    if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        return redactValue((value as { toJSON(): unknown }).toJSON(), secrets, depth + 1, seen);
      }
      if (value instanceof Set) return [...value].map((v) => redactValue(v, secrets, depth + 1, seen));
      // Anything else (a custom transport, a socket) is named, not walked: its fields are not ours to vouch for.
      if (!(value instanceof Map)) return `[${value.constructor?.name || "Object"}]`;
      value = Object.fromEntries(value);
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as object)) {
      out[key] =
        isSecretName(key) && v !== undefined && v !== null && v !== ""
          ? MASK
          : redactValue(v, secrets, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(original);
  }
}

/** Copies made by redactError, which util.inspect must print as they are (not redact again). */
const REDACTED = new WeakSet<object>();

/**
 * A copy of an error (same class, same fields, same `[cause]` chain) with its message, stack and fields redacted.
 * It prints like the original under util.inspect, and stays an instance of its class.
 */
export function redactError(error: Error, secrets: readonly string[] = [], depth = 0): Error {
  if (REDACTED.has(error)) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  REDACTED.add(copy);
  for (const key of Reflect.ownKeys(error)) {
    const d = Object.getOwnPropertyDescriptor(error, key);
    if (!d || !("value" in d)) continue;
    let v: unknown = d.value;
    if (key === "stack" || key === "message") v = typeof v === "string" ? redactText(v, secrets) : v;
    else if (key === "cause")
      v = v instanceof Error && depth < 6 ? redactError(v, secrets, depth + 1) : redactValue(v, secrets);
    else if (typeof key === "string" && isSecretName(key) && v !== undefined && v !== null) v = MASK;
    else v = redactValue(v, secrets, depth + 1);
    Object.defineProperty(copy, key, { ...d, value: v });
  }
  return copy;
}

/**
 * An error as plain data for a JSON log: its fields, name and message (and stack, at the top), the same for each
 * cause, secrets masked. JSON.stringify of a bare Error keeps neither message nor cause.
 */
export function errorJson(error: Error, secrets: readonly string[] = [], depth = 0): Record<string, unknown> {
  const copy = redactError(error, secrets) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...copy, name: copy.name, message: copy.message };
  if (depth === 0) out.stack = copy.stack;
  const cause = copy.cause;
  if (cause !== undefined) out.cause = cause instanceof Error && depth < 6 ? errorJson(cause, [], depth + 1) : cause;
  return out;
}

/** Whether redactError made this error (util.inspect hooks return it as it is). */
export function isRedactedCopy(error: object): boolean {
  return REDACTED.has(error);
}

/**
 * The error itself when nothing in it or its causes holds a secret (the common case: identity kept), else its
 * redacted copy. For errors thrown by a transport or a fetch, before the client wraps them.
 */
export function scrubError(error: unknown, secrets: readonly string[]): unknown {
  let e: unknown = error;
  for (let i = 0; i < 6 && e instanceof Error; i++, e = e.cause) {
    const text = `${e.message}\n${e.stack ?? ""}`;
    if (redactText(text, secrets) !== text) return redactError(error as Error, secrets);
  }
  return error;
}

const VIEWS = new Map<string, { prototype: object }>();

/**
 * A plain copy of `fields` that util.inspect prints under the name of the class it stands for
 * (`AsyncClient { url: ..., options: {...} }`): what the [INSPECT] hooks return.
 */
export function namedView(name: string, fields: object): object {
  let view = VIEWS.get(name);
  if (!view) {
    view = { [name]: class {} }[name] as { prototype: object };
    VIEWS.set(name, view);
  }
  return Object.assign(Object.create(view.prototype), fields);
}

/** Gives a plain object (an options object the client keeps) a toJSON and an inspect view with secrets masked. */
export function redacting<T extends object>(target: T, name: string): T {
  // Functions shared per name (`this` is the target), not closures per object: every client holds several.
  let inspect = inspectors.get(name);
  if (!inspect) {
    inspect = function (this: object) {
      return namedView(name, redactValue({ ...this }) as object);
    };
    inspectors.set(name, inspect);
  }
  Object.defineProperty(target, "toJSON", { value: redactedJson, configurable: true });
  Object.defineProperty(target, INSPECT, { value: inspect, configurable: true });
  return target;
}

const inspectors = new Map<string, (this: object) => object>();

function redactedJson(this: object): unknown {
  return redactValue({ ...this });
}
