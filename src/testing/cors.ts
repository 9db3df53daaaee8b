/**
 * Cross-origin access to the fake server, as Mattermost configures it. Server facts (mattermost/mattermost):
 * - app/server.go (000e7a7f3ce22fad093b922a5cf3fd3149ed06a6) Start: only when ServiceSettings.AllowCorsFrom is not
 *   empty is the router wrapped in github.com/rs/cors, with AllowedOrigins the space-separated AllowCorsFrom,
 *   AllowedMethods POST GET OPTIONS PUT PATCH DELETE, AllowedHeaders "*", ExposedHeaders the space-separated
 *   CorsExposedHeaders (empty by default: a browser then reads none of Token, X-Request-Id, X-Version-Id), MaxAge
 *   86400 and AllowCredentials from CorsAllowCredentials. Without AllowCorsFrom no CORS header is ever sent.
 * - rs/cors: a preflight (OPTIONS with Access-Control-Request-Method) never reaches the handlers; it always gets
 *   the Vary headers, and the Access-Control-Allow-* headers only for an allowed origin and method (the requested
 *   headers are echoed, since any is allowed). An actual request gets `Vary: Origin`, and for an allowed origin
 *   Access-Control-Allow-Origin, -Expose-Headers and -Allow-Credentials. A disallowed origin gets no CORS header:
 *   the server still answers, and the browser hides that answer from the page.
 * - app/server.go OriginChecker (the WebSocket upgrade's CheckOrigin, api4/websocket.go): with AllowCorsFrom "*"
 *   any Origin; with a list, an Origin equal to one of them or to the site URL (utils.CheckOrigin); without
 *   AllowCorsFrom, an Origin whose host is the site URL's (the request's Host when no site URL is set), never
 *   "null". A request without an Origin (not a browser) always passes. A refused upgrade is a 403.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface CorsOptions {
  /**
   * ServiceSettings.AllowCorsFrom: the origins allowed, space-separated ("http://localhost:3000
   * https://app.example.com"), or "*" for any.
   */
  allowFrom: string;
  /** ServiceSettings.CorsExposedHeaders: the answer headers a page may read (Token, X-Request-Id, ...). */
  exposedHeaders?: readonly string[] | undefined;
  /** ServiceSettings.CorsAllowCredentials: let pages send cookies (cookie sessions from another origin). */
  allowCredentials?: boolean | undefined;
}

/** app/server.go corsAllowedMethods (OPTIONS is always allowed by rs/cors). */
const ALLOWED_METHODS = new Set(["POST", "GET", "OPTIONS", "PUT", "PATCH", "DELETE"]);

/** app/server.go Start: MaxAge of the rs/cors options, seconds. */
const MAX_AGE = "86400";

/** The longest Origin or Access-Control-Request-Headers value looked at (a hostile client may send megabytes). */
const MAX_HEADER = 8 * 1024;

export class CorsPolicy {
  readonly #any: boolean;
  readonly #origins: Set<string>;
  readonly #exposed: string;
  readonly #credentials: boolean;

  constructor(options: CorsOptions) {
    if (typeof options?.allowFrom !== "string" || options.allowFrom.trim() === "") {
      throw new TypeError('cors.allowFrom must be "*" or a space-separated list of origins');
    }
    const listed = options.allowFrom.split(/\s+/).filter(Boolean);
    this.#any = listed.includes("*");
    // rs/cors compares origins in lower case.
    this.#origins = new Set(listed.map((o) => o.toLowerCase()));
    this.#exposed = (options.exposedHeaders ?? []).join(", ");
    this.#credentials = options.allowCredentials ?? false;
  }

  #allowed(origin: string): boolean {
    return this.#any || this.#origins.has(origin.toLowerCase());
  }

  /**
   * Answers a preflight (true: the request is done), or adds the CORS headers an actual request gets (false: go on
   * and answer it). Headers are set on `res`; the answer's own writeHead merges them.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = headerOf(req, "origin");
    const requestedMethod = headerOf(req, "access-control-request-method");
    if (req.method === "OPTIONS" && requestedMethod !== undefined) {
      res.setHeader("Vary", ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"]);
      const method = requestedMethod.toUpperCase();
      if (origin && this.#allowed(origin) && ALLOWED_METHODS.has(method)) {
        res.setHeader("Access-Control-Allow-Origin", this.#any ? "*" : origin);
        res.setHeader("Access-Control-Allow-Methods", method);
        const requestedHeaders = headerOf(req, "access-control-request-headers");
        if (requestedHeaders) res.setHeader("Access-Control-Allow-Headers", requestedHeaders.toLowerCase());
        res.setHeader("Access-Control-Max-Age", MAX_AGE);
        if (this.#credentials) res.setHeader("Access-Control-Allow-Credentials", "true");
      }
      res.writeHead(204, { "Content-Length": "0" });
      res.end();
      return true;
    }
    res.setHeader("Vary", "Origin");
    if (origin && this.#allowed(origin)) {
      res.setHeader("Access-Control-Allow-Origin", this.#any ? "*" : origin);
      if (this.#exposed) res.setHeader("Access-Control-Expose-Headers", this.#exposed);
      if (this.#credentials) res.setHeader("Access-Control-Allow-Credentials", "true");
    }
    return false;
  }

  /** Whether a WebSocket upgrade with this request's Origin is accepted (AllowCorsFrom set). */
  allowsSocket(req: IncomingMessage, siteUrl: string): boolean {
    const origin = headerOf(req, "origin");
    if (origin === undefined || this.#any) return true;
    return this.#origins.has(origin) || origin === new URL(siteUrl).origin;
  }
}

/** The WebSocket Origin check without AllowCorsFrom: the Origin's host must be the request's own. */
export function sameHostSocket(req: IncomingMessage): boolean {
  const origin = headerOf(req, "origin");
  if (origin === undefined) return true;
  if (origin === "null") return false;
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? "").toLowerCase();
  } catch {
    return false;
  }
}

/** A header's single value, or undefined when missing or absurdly long. */
function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value.join(", ") : value;
  return text === undefined || text.length > MAX_HEADER ? undefined : text;
}
