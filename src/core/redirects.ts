/**
 * The redirect policy, the same on every transport (both hand every 3xx to the client unfollowed: undici's request()
 * never follows, fetch is called with `redirect: "manual"`):
 * - a 3xx is never success;
 * - a redirect to the same origin (scheme, host and port) is followed for GET and HEAD only, at most MAX_REDIRECTS
 *   times per call;
 * - nothing is ever sent to another origin: no Authorization, no cookie, no body, no login. So no Token header is
 *   ever read from another origin's answer either;
 * - any other redirect fails with a RedirectError naming the Location and what to change in the options.
 * A site behind an http->https 301, or a `url` missing a path prefix, are the usual causes: the fix is the `url`
 * option, and following such redirects silently would send every call twice (and the body or password elsewhere).
 */
import { type ApiErrorInit, RedirectError, redactUrl } from "./errors.js";

/**
 * Operations whose documented answer is itself a redirect: their 3xx is handed back as the result (status and
 * Location in `.withResponse()`), never followed. The spec (mattermost-openapi-v4.yaml, POST
 * /api/v4/users/login/cws) documents a 302 and no 2xx for LoginByCwsToken; a test checks this list against the spec.
 */
export const REDIRECT_ANSWERS: ReadonlySet<string> = new Set(["LoginByCwsToken"]);

/** Whether a status is a redirect the policy handles (a browser's opaque redirect has status 0). */
export function isRedirect(status: number, operation: string): boolean {
  if (status < 200) return true;
  return status >= 300 && status < 400 && !REDIRECT_ANSWERS.has(operation);
}

/** Same-origin redirects followed per call for GET and HEAD. Enough for a trailing-slash fix and a prefix move. */
export const MAX_REDIRECTS = 3;

const FOLLOWED_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What to do with a 3xx (or a browser's opaque redirect, status 0): follow `to`, or throw `error`. */
export type RedirectStep = { follow: string } | { error: RedirectError };

export interface RedirectContext {
  method: string;
  /** The URL that was requested (unredacted: it is resolved against, never shown). */
  url: string;
  /** The client's site URL (`options.baseUrl`), to suggest a better one. */
  baseUrl: string;
  /** Redirects already followed in this call. */
  followed: number;
  init: ApiErrorInit;
}

export function redirectStep(ctx: RedirectContext, location: string | undefined): RedirectStep {
  const { method, init } = ctx;
  const status = init.status;
  const where = `(${method} ${init.url})`;
  const refuse = (message: string, shown?: string) => ({ error: new RedirectError(init, shown, message) });
  if (status === 0) {
    // A browser's fetch with redirect: "manual" answers a 3xx with an opaque response: status 0, no Location.
    return refuse(
      "the server answered with a redirect the fetch in use does not let the client read (an opaque redirect); " +
        `a redirect is never taken as success: check the scheme, host and path prefix of \`url\` ${where}`,
    );
  }
  if (location === undefined || location === "") {
    return refuse(`the server answered ${status} without a Location; a 3xx is never taken as success ${where}`);
  }
  let target: URL;
  try {
    target = new URL(location, ctx.url);
  } catch {
    return refuse(`the server answered ${status} with an invalid Location ${where}`);
  }
  const shown = redactUrl(target.href);
  const head = `the server redirected ${method} ${redactUrl(ctx.url)} to ${shown} (${status})`;
  const sameOrigin = target.origin === new URL(ctx.url).origin;
  const safe = method === "GET" || method === "HEAD";
  if (sameOrigin && safe && FOLLOWED_STATUSES.has(status)) {
    if (ctx.followed < MAX_REDIRECTS) return { follow: target.href };
    return refuse(`${head} after ${MAX_REDIRECTS} redirects already (a loop?): ${fix(ctx, target)}`, shown);
  }
  const why = sameOrigin
    ? `a ${method} is not sent again on a redirect (only GET and HEAD are followed)`
    : "nothing is sent to another origin (no credentials, no body)";
  return refuse(`${head}; ${why}: ${fix(ctx, target)}`, shown);
}

/** The change to the options that would avoid the redirect, as precisely as the Location allows. */
function fix(ctx: RedirectContext, target: URL): string {
  const base = suggestedBase(ctx, target);
  if (!base) return "check `url` (scheme, host and path prefix) and any proxy in front of the server";
  const current = new URL(ctx.baseUrl);
  const suggested = new URL(base);
  if (
    current.protocol === "http:" &&
    suggested.protocol === "https:" &&
    current.host === suggested.host &&
    current.pathname === suggested.pathname
  ) {
    return `use https:// in \`url\` ("${redactUrl(base)}")`;
  }
  return `set \`url\` to "${redactUrl(base)}"`;
}

/** The site URL the Location implies: the Location minus the part of the request that followed the site URL. */
function suggestedBase(ctx: RedirectContext, target: URL): string | undefined {
  if (!ctx.url.startsWith(ctx.baseUrl)) return undefined;
  const rest = ctx.url.slice(ctx.baseUrl.length);
  const restPath = rest.split("?")[0] ?? "";
  const targetPath = `${target.origin}${target.pathname}`;
  for (const [whole, tail] of [
    [target.href, rest],
    [targetPath, restPath],
  ] as const) {
    if (tail !== "" && whole.endsWith(tail)) {
      const base = whole.slice(0, whole.length - tail.length).replace(/\/+$/, "");
      if (base !== ctx.baseUrl && base.startsWith(target.origin)) return base;
    }
  }
  return undefined;
}
