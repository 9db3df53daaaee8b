/**
 * Browser sessions on the fake server: where a request's token comes from, the cookies a login sets, and the CSRF
 * check on cookie-authenticated requests. Server facts (mattermost/mattermost):
 * - app/authentication.go ParseAuthTokenFromRequest: the MMAUTHTOKEN cookie first, then `Authorization: Bearer`
 *   (or `Token`), then the access_token query parameter.
 * - api4/user.go login: the session cookies are set only when the login carries `X-Requested-With:
 *   XMLHttpRequest`. app/login.go (00ba58f5ac0fb482866e67494aff6ab9a588c35a) AttachSessionCookies: MMAUTHTOKEN
 *   (the token, HttpOnly), MMUSERID (the user id) and MMCSRF (the session's CSRF token), each with the site's path
 *   ("/"), Max-Age of SessionLengthWebInHours, Secure over HTTPS only, and no SameSite attribute.
 * - web/handlers.go (006dfa227de83a393c765bf3ecaea05afe09d79a) checkCSRFToken: a request authenticated by the cookie,
 *   other than a GET and other than a TrustRequester handler (the WebSocket), must send X-CSRF-Token equal to the
 *   session's CSRF token. Without it, `X-Requested-With: XMLHttpRequest` still passes unless
 *   ServiceSettings.ExperimentalStrictCSRFEnforcement is on; a failed check answers 401
 *   api.context.session_expired.app_error and the request runs without a session.
 * - web/context.go RemoveSessionCookie (logout, a bad session): MMAUTHTOKEN with Max-Age -1.
 */
import type { IncomingMessage } from "node:http";
import type { SessionRecord } from "./records/sessions.js";

export type TokenLocation = "cookie" | "header" | "query";

/** The session length of the cookies: SessionLengthWebInHours (30 days by default). */
const COOKIE_MAX_AGE = 30 * 24 * 60 * 60;

/** A request's token and where it came from, in the server's order (the cookie wins over the header). */
export function requestToken(req: IncomingMessage, url: URL): { token: string; location: TokenLocation } | undefined {
  const cookie = cookieValue(req, "MMAUTHTOKEN");
  if (cookie) return { token: cookie, location: "cookie" };
  const header = req.headers.authorization;
  if (header && /^bearer /i.test(header)) return { token: header.slice(7).trim(), location: "header" };
  if (header && /^token /i.test(header)) return { token: header.slice(6).trim(), location: "header" };
  const query = url.searchParams.get("access_token");
  return query ? { token: query, location: "query" } : undefined;
}

/** Whether a request asks for cookies (a login) or may fall back on them (the CSRF check): the webapp's header. */
export function isXmlHttpRequest(req: IncomingMessage): boolean {
  return req.headers["x-requested-with"] === "XMLHttpRequest";
}

/** The Set-Cookie values of a login that asked for cookies. */
export function sessionCookies(session: SessionRecord, secure: boolean): string[] {
  const expires = new Date(Date.now() + COOKIE_MAX_AGE * 1000).toUTCString();
  const attributes = `Path=/; Max-Age=${COOKIE_MAX_AGE}; Expires=${expires}${secure ? "; Secure" : ""}`;
  return [
    `MMAUTHTOKEN=${session.token}; ${attributes}; HttpOnly`,
    `MMUSERID=${session.user_id}; ${attributes}`,
    `MMCSRF=${session.props?.csrf ?? ""}; ${attributes}`,
  ];
}

/** What logout sends: the session cookie removed. */
export function removedSessionCookie(): string {
  return "MMAUTHTOKEN=; Path=/; Max-Age=0; HttpOnly";
}

/**
 * The CSRF check of a request authenticated by its cookie: true when it passes (or needs none). `strict` is
 * ExperimentalStrictCSRFEnforcement.
 */
export function passesCsrf(req: IncomingMessage, session: SessionRecord, strict: boolean): boolean {
  if (req.method === "GET") return true;
  const sent = req.headers["x-csrf-token"];
  const expected = session.props?.csrf;
  if (typeof sent === "string" && expected && sent === expected) return true;
  return !strict && isXmlHttpRequest(req);
}

/** One cookie's value from the Cookie header (the first of that name). */
function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 16 * 1024) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || undefined;
  }
  return undefined;
}
