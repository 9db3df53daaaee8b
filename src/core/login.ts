/** Password login: the endpoints ClientCore calls itself, the login body, and the checks on the token answered. */
import type { Outcome } from "./api-promise.js";
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
    throw new MatterapiError(`login as ${auth.loginId} answered ${outcome.response.status} without a Token header`);
  }
  // It goes back in every Authorization header: one with CR/LF/NUL would corrupt them (value never quoted).
  if (!isHeaderValue(token)) {
    throw new MatterapiError(`login as ${auth.loginId} answered a Token header with characters invalid in a header`);
  }
  return token;
}
