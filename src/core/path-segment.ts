/**
 * The one encoder of path parameters (generated methods, iterators and client.request() params all go through
 * ClientCore.buildUrl, which calls this). A parameter is exactly one path segment: every character that could end
 * it or change how the URL is read (`/`, `?`, `#`, `%`, `\`) is percent-encoded, and the values URL parsing would
 * resolve as dot segments are refused. Without that, `getUserAudits("..")` would read `/api/v4/audits`: undici and
 * fetch both normalise `/users/../audits` before sending.
 */
import { UsageError } from "./errors.js";
import { describe } from "./uploads.js";

/** `value` as one encoded path segment; a UsageError naming the operation and the parameter when it cannot be one. */
export function encodePathSegment(operation: string, name: string, value: unknown): string {
  const refuse = (why: string) => new UsageError(`${operation}: path parameter ${name} ${why}`);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw refuse(`must be a finite number, got ${value}`);
    return String(value);
  }
  if (typeof value !== "string") throw refuse(`must be a non-empty string, got ${describe(value)}`);
  if (value === "") throw refuse("must be a non-empty string, got an empty string");
  // "." and ".." are dot segments: the URL parser would drop them or climb one level up, so the call would reach
  // another route. Their encoded forms (%2e) are dot segments too, so encoding cannot save them: refused.
  if (value === "." || value === "..") {
    throw refuse(`cannot be ${JSON.stringify(value)}: it would change the path the server sees`);
  }
  try {
    return encodeURIComponent(value);
  } catch {
    // encodeURIComponent throws a URIError on a lone surrogate (broken UTF-16): say which parameter holds it.
    throw refuse("holds a lone surrogate (malformed UTF-16) and cannot be encoded as UTF-8");
  }
}
