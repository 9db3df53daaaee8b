/**
 * Reading what Mattermost sends to an integration: the body of a web `Request` read with a size limit and a time
 * limit, decoded as a form or as JSON, and the one way a request is refused (`RequestRefused`, an HTTP status and a
 * message that names what was wrong). Everything here assumes the sender may be hostile: a body may be huge, slow,
 * not UTF-8, not JSON, or JSON of the wrong shape; none of it may crash or hang the integration.
 */

import { MatterapiError } from "../core/errors.js";

/** 1 MiB: Mattermost's own requests to integrations are a few KB; anything near this is not from the server. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** A sender that trickles its body slower than this is dropped. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * A request to an integration endpoint refused: the handlers answer it with `status` and `message` as plain text
 * (400 malformed, 401 wrong token, 403 bad signature, 408 too slow, 409 replayed, 413 too large, 415 wrong type,
 * 503 too busy). `signer.verify` throws it too. Throw one from a handler to refuse a request with your own reason.
 */
export class RequestRefused extends MatterapiError {
  override name = "RequestRefused";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface BodyLimits {
  /** Largest body accepted, in bytes (default 1 MiB); a larger one gets 413. */
  maxBodyBytes?: number;
  /** Time allowed to receive the whole body, in ms (default 10 s); a slower one gets 408. */
  bodyTimeout?: number;
}

/** The body as text, read with the limits; 413 when too large, 408 when too slow, 400 when it breaks off. */
export async function readText(request: Request, limits: BodyLimits = {}): Promise<string> {
  const max = limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) {
    throw new RequestRefused(413, `the body is ${declared} bytes, over the limit of ${max}`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RequestRefused(408, `the body did not arrive within ${limits.bodyTimeout ?? DEFAULT_BODY_TIMEOUT_MS} ms`),
        ),
      limits.bodyTimeout ?? DEFAULT_BODY_TIMEOUT_MS,
    );
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) break;
      size += value.byteLength;
      if (size > max) throw new RequestRefused(413, `the body is over the limit of ${max} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof RequestRefused) throw error;
    throw new RequestRefused(400, "the body could not be read (the connection broke off)");
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  // Invalid UTF-8 becomes U+FFFD rather than an exception: the fields it lands in are then checked as strings.
  return new TextDecoder("utf-8").decode(bytes);
}

/** The media type of a request, lower-cased, without parameters ("" when absent). */
export function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Fields of a form (or query string): every value of each name, in order. */
export type FormFields = Map<string, string[]>;

export function parseForm(text: string): FormFields {
  const fields: FormFields = new Map();
  // URLSearchParams never throws: malformed percent-escapes are kept as they are.
  for (const [name, value] of new URLSearchParams(text)) {
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

/** A JSON object, or 400 naming what came instead. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RequestRefused(400, `the ${what} is not valid JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new RequestRefused(
      400,
      `the ${what} must be a JSON object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Reads a form body or JSON body by its content type (a missing type is read as a form, as Go's ParseForm does). */
export async function readFields(request: Request, limits: BodyLimits, what: string): Promise<Record<string, unknown>> {
  const type = mediaType(request);
  const text = await readText(request, limits);
  if (type === "application/json") return parseJsonObject(text, what);
  if (type === "" || type === "application/x-www-form-urlencoded") return formToObject(parseForm(text));
  throw new RequestRefused(
    415,
    `the ${what} must be application/x-www-form-urlencoded or application/json, got ${type}`,
  );
}

/** A form as an object: the first value of each name (the repeated mention fields are read from the form itself). */
export function formToObject(fields: FormFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, values] of fields) out[name] = values[0];
  return out;
}

/** A string field: "" when absent, 400 when present but not a string. */
export function stringField(source: Record<string, unknown>, name: string, what: string): string {
  const value = source[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string")
    throw new RequestRefused(400, `${what}: "${name}" must be a string, got ${typeof value}`);
  return value;
}

/** A plain-text answer. */
export function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** A JSON answer (status 200 unless told). */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
