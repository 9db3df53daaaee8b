/** Password login: the endpoints ClientCore calls itself, the login body, and the checks on the token answered. */
import type { Outcome } from "./api-promise.js";
import { crossOriginPage } from "./browser.js";
import type { Endpoint } from "./endpoint.js";
import { MatterapiError } from "./errors.js";
import type { PasswordAuth } from "./options.js";
import { isHeaderValue } from "./redact.js";

export const LOGIN: Endpoint = {
  id: "Login",
  method: "POST",
  path: "/api/v4/users/login",
  body: "json",
  response: "json",
  auth: false,
};
export const LOGOUT: Endpoint = { id: "Logout", method: "POST", path: "/api/v4/users/logout", response: "unknown" };

export function loginBody(auth: PasswordAuth): Record<string, string> {
  const body: Record<string, string> = { login_id: auth.loginId, password: auth.password };
  // The server reads the MFA code from "token" and compares ldap_only with the string "true" (api4/user.go login).
  if (auth.mfaToken) body.token = auth.mfaToken;
  if (auth.ldapOnly) body.ldap_only = "true";
  return body;
}

/** The session token a login answered, refused if missing or unfit for a header. */
export function tokenOf(outcome: Outcome<unknown>, auth: PasswordAuth): string {
  const token = outcome.response.headers.token;
  if (!token) {
    const said = `login as ${auth.loginId} answered ${outcome.response.status} without a Token header`;
    // A page of another origin reads only the answer headers the server exposes (CORS): Token is not by default.
    const page = crossOriginPage(outcome.response.url);
    if (!page) throw new MatterapiError(said);
    throw new MatterapiError(
      `${said} that a page of ${page} can read: the server's ServiceSettings.CorsExposedHeaders lacks Token ` +
        '(set it to "Token X-Request-Id X-Version-Id"), or log in for a cookie session: auth { loginId, password, ' +
        "cookie: true }",
    );
  }
  // It goes back in every Authorization header: one with CR/LF/NUL would corrupt them (value never quoted).
  if (!isHeaderValue(token)) {
    throw new MatterapiError(`login as ${auth.loginId} answered a Token header with characters invalid in a header`);
  }
  return token;
}
