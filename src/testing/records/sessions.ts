/** Sessions and personal access tokens as the server keeps and writes them (model session.go, user_access_token.go). */

import type { TeamMemberRecord } from "./teams.js";
import { encode, goShape } from "./wire.js";

export interface SessionRecord {
  id: string;
  token: string;
  create_at: number;
  /** 0: never expires; a session whose expires_at has passed is refused (Session.IsExpired). */
  expires_at: number;
  last_activity_at: number;
  user_id: string;
  device_id: string;
  roles: string;
  is_oauth: boolean;
  expired_notify: boolean;
  props: Record<string, string> | null;
  /** Filled only on some reads of the session cache; nil (null) when read from the store. */
  team_members: TeamMemberRecord[] | null;
  local: boolean;
}

const SESSION_COMMIT = "00ba58f5ac0fb482866e67494aff6ab9a588c35a";

export const SESSION = goShape<SessionRecord>("Session", "session.go", SESSION_COMMIT, [
  "id",
  "token",
  "create_at",
  "expires_at",
  "last_activity_at",
  "user_id",
  "device_id",
  "roles",
  "is_oauth",
  "expired_notify",
  "props",
  "team_members",
  "local",
]);

const HOUR = 60 * 60 * 1000;
/** ServiceSettings.SessionLengthWebInHours defaults to 30 days (config.go 004a635ec62b9de56a34b845132892520e9f6da8). */
const WEB_SESSION_HOURS = 30 * 24;
/** model.SessionUserAccessTokenExpiryHours: 100 years (session.go). */
const ACCESS_TOKEN_SESSION_HOURS = 100 * 365 * 24;

/**
 * A login session (app/login.go DoLogin): a CSRF token and the client's kind in props. The server also writes
 * platform, os and browser parsed from the User-Agent; the fake leaves those out.
 */
export function newLoginSession(
  ids: { id: string; token: string; csrf: string },
  at: number,
  userId: string,
  roles: string,
): SessionRecord {
  const props = { csrf: ids.csrf, isMobile: "false", isOAuthUser: "false", isSaml: "false", is_guest: "false" };
  return session(ids.id, ids.token, at, userId, roles, at + WEB_SESSION_HOURS * HOUR, props);
}

/** The session a personal access token opens (app/session.go createSessionForUserAccessToken). */
export function newAccessTokenSession(
  id: string,
  at: number,
  token: AccessTokenRecord,
  user: { roles: string; is_bot: boolean },
): SessionRecord {
  const props: Record<string, string> = {
    ...(user.is_bot ? { is_bot: "true" } : {}),
    is_guest: "false",
    type: "UserAccessToken",
    user_access_token_id: token.id,
  };
  return session(id, token.token, at, token.user_id, user.roles, at + ACCESS_TOKEN_SESSION_HOURS * HOUR, props);
}

function session(
  id: string,
  token: string,
  at: number,
  userId: string,
  roles: string,
  expiresAt: number,
  props: Record<string, string>,
): SessionRecord {
  return {
    id,
    token,
    create_at: at,
    expires_at: expiresAt,
    last_activity_at: at,
    user_id: userId,
    device_id: "",
    roles,
    is_oauth: false,
    expired_notify: false,
    props,
    team_members: null,
    local: false,
  };
}

/** Session.IsExpired (session.go): expires_at 0 never expires. */
export function sessionExpired(session: SessionRecord, now = Date.now()): boolean {
  return session.expires_at > 0 && now > session.expires_at;
}

/** Session.IsUserAccessToken (session.go): the session of a personal access token (not ended by logout). */
export function isAccessTokenSession(session: SessionRecord): boolean {
  return session.props?.type === "UserAccessToken";
}

/** Sessions as getSessions answers them: Session.Sanitize empties the token (api4/user.go). */
export const sessionJson = (session: SessionRecord) => encode(SESSION, { ...session, token: "" });

export interface AccessTokenRecord {
  id: string;
  token: string;
  user_id: string;
  description: string;
  is_active: boolean;
  /** 0: no expiry. */
  expires_at: number;
}

export const ACCESS_TOKEN = goShape<AccessTokenRecord>(
  "UserAccessToken",
  "user_access_token.go",
  "0c97a1ef939a17caaaf7be9f789f5b14bda7f8e0",
  ["id", "token?", "user_id", "description", "is_active", "expires_at"],
);

/**
 * A token as an answer shows it: with its secret only where it was just created; reads empty it
 * (app/user_access_token.go GetUserAccessToken with sanitize), so the omitempty `token` is left out.
 */
export function accessTokenJson(token: AccessTokenRecord, withSecret = false): Record<string, unknown> {
  return encode(ACCESS_TOKEN, withSecret ? token : { ...token, token: "" });
}
