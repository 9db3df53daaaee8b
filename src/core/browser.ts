/**
 * What the client needs to know about running in a browser (a page or a worker): the page's origin (for the
 * CORS advice in errors), the MMCSRF cookie (cookie sessions), and whether a request body may be a stream.
 */

interface BrowserGlobals {
  window?: unknown;
  document?: { cookie?: string };
  WorkerGlobalScope?: abstract new () => unknown;
  location?: { origin?: string };
}

const g = globalThis as BrowserGlobals;

/** A page or a worker: where the browser owns User-Agent, cookies and CORS. */
export function isBrowserLike(): boolean {
  if (typeof g.window !== "undefined" || typeof g.document !== "undefined") return true;
  return typeof g.WorkerGlobalScope === "function" && globalThis instanceof g.WorkerGlobalScope;
}

/** The origin of the page (or worker) the client runs in; undefined outside browsers. */
export function pageOrigin(): string | undefined {
  if (!isBrowserLike()) return undefined;
  const origin = g.location?.origin;
  return typeof origin === "string" && origin !== "null" ? origin : undefined;
}

/** The page's origin when `url` is on another origin (a call CORS applies to); undefined otherwise. */
export function crossOriginPage(url: string): string | undefined {
  const page = pageOrigin();
  if (!page) return undefined;
  try {
    return new URL(url).origin === page ? undefined : page;
  } catch {
    return undefined;
  }
}

/**
 * The server's settings a page of `page` needs to call it (System Console > Environment > Web Server > CORS, or
 * ServiceSettings in config.json), said in every CORS error.
 */
export function corsAdvice(page: string): string {
  return (
    `the server must allow this page's origin: ServiceSettings.AllowCorsFrom must list "${page}", and ` +
    'CorsExposedHeaders should be "Token X-Request-Id X-Version-Id" (CorsAllowCredentials true for a cookie session)'
  );
}

/** The session's CSRF token from the MMCSRF cookie, where the page can read it (not in workers). */
export function csrfCookie(): string | undefined {
  let cookies: string | undefined;
  try {
    cookies = g.document?.cookie;
  } catch {
    return undefined; // a sandboxed document throws on cookie access
  }
  if (typeof cookies !== "string" || cookies.length > 64 * 1024) return undefined;
  for (const part of cookies.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === "MMCSRF") {
      const value = part.slice(at + 1).trim();
      // A CSRF token is an id (26 lower-case letters and digits); anything else is not sent as a header.
      return /^[A-Za-z0-9]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

let probed: boolean | undefined;

/**
 * Whether this fetch can send a ReadableStream body: the standard probe (a Request that reads `duplex` and does
 * not turn the stream into the text "[object ReadableStream]", which would give it a text/plain Content-Type).
 * Firefox fails it; Chromium passes it.
 */
export function fetchSendsStreams(): boolean {
  if (probed !== undefined) return probed;
  probed = false;
  try {
    let duplexRead = false;
    const init = {
      method: "POST",
      body: new ReadableStream(),
      get duplex() {
        duplexRead = true;
        return "half";
      },
    };
    const hasContentType = new Request("http://probe.invalid/", init as RequestInit).headers.has("content-type");
    probed = duplexRead && !hasContentType;
  } catch {
    probed = false;
  }
  return probed;
}

/**
 * Whether the browser's last request to `url`'s origin went over HTTP/2 or HTTP/3 (Resource Timing's
 * nextHopProtocol). Chromium sends a stream body over those only: over HTTP/1.1 it fails with
 * ERR_ALPN_NEGOTIATION_FAILED, a bare "Failed to fetch". Unknown (no entry yet, or a protocol the browser hides)
 * counts as no.
 */
export function lastHopIsHttp2(url: string): boolean {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return false;
  }
  const perf = (globalThis as { performance?: Performance }).performance;
  if (typeof perf?.getEntriesByType !== "function") return false;
  const entries = [
    ...perf.getEntriesByType("navigation"),
    ...perf.getEntriesByType("resource"),
  ] as PerformanceResourceTiming[];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (!entry.name.startsWith(`${origin}/`) || !entry.nextHopProtocol) continue;
    return entry.nextHopProtocol === "h2" || entry.nextHopProtocol === "h3";
  }
  return false;
}
