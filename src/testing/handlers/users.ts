/** Users, login and logout, personal access tokens, statuses and preferences (api4/user.go, status.go, preference.go). */
import { Errors } from "../app-error.js";
import { type Env, isAdmin, ok, pageOf, requireSelfOrAdmin, requireString, userParam, viewer } from "../env.js";
import { isValidId } from "../ids.js";
import { accessTokenJson, isAccessTokenSession, sessionJson } from "../records/sessions.js";
import { botJson, preferenceJson, profileJson, statusJson, userJson, userJsonFor } from "../records/users.js";
import type { Router } from "../router.js";
import type { UserRecord } from "../store.js";
import { verifyTotp } from "../totp.js";

const USERNAME = /^[a-z0-9.\-_]{3,22}$/;

export function registerUsers(router: Router, env: Env): void {
  const { store } = env;

  // api4/user.go login: the body is decoded as a map of strings (a JSON boolean is dropped), 200 with the User
  // and the session token in the Token header.
  router.add("POST", "/api/v4/users/login", "Login", (ctx) => {
    const body = ctx.json<Record<string, unknown>>("login");
    const str = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
    const user = store.userByLogin(str("login_id"));
    const secrets = user && store.secrets.get(user.id);
    if (user?.delete_at !== 0 || !secrets?.password || secrets.password !== str("password")) {
      throw Errors.invalidCredentials();
    }
    if (secrets.mfaSecret) {
      if (!str("token")) throw Errors.mfaMissing();
      if (!verifyTotp(secrets.mfaSecret, str("token"))) throw Errors.mfaBadCode();
    }
    const session = store.createLoginSession(user);
    env.stats.logins++;
    return { status: 200, json: userJson(user), headers: { Token: session.token } };
  });

  // api4/user.go logout: needs no session; revokes the one it is given.
  router.add("POST", "/api/v4/users/logout", "Logout", (ctx) => {
    if (ctx.session && !isAccessTokenSession(ctx.session)) store.sessions.delete(ctx.session.token);
    env.stats.logouts++;
    return ok();
  });

  router.add("POST", "/api/v4/users/mfa", "CheckUserMfa", (ctx) => {
    const body = ctx.json<{ login_id?: string }>("login_id");
    const user = store.userByLogin(requireString(body.login_id, "login_id"));
    return { json: { mfa_required: Boolean(user && store.secrets.get(user.id)?.mfaSecret) } };
  });

  router.add("POST", "/api/v4/users", "CreateUser", (ctx) => {
    const body = ctx.json<Partial<UserRecord> & { password?: string }>("user");
    const username = requireString(body.username, "username").toLowerCase();
    const email = requireString(body.email, "email").toLowerCase();
    if (!USERNAME.test(username)) throw Errors.invalidBodyParam("username");
    if (store.userByName(username)) throw Errors.usernameExists();
    if (store.userByLogin(email)) throw Errors.emailExists();
    const user = store.createUser(
      {
        username,
        email,
        first_name: body.first_name ?? "",
        last_name: body.last_name ?? "",
        nickname: body.nickname ?? "",
        locale: body.locale ?? "en",
      },
      { password: requireString(body.password, "password") },
    );
    // app/user.go CreateUser answers the new user through User.Sanitize with no options.
    return { status: 201, json: userJson(user) };
  });

  router.add("GET", "/api/v4/users/{user_id}", "GetUser", (ctx) => ({
    json: userJsonFor(userParam(ctx, env), viewer(ctx)),
  }));

  router.add("GET", "/api/v4/users/username/{username}", "GetUserByUsername", (ctx) => {
    const reader = viewer(ctx);
    if (!/^[a-z0-9.\-_]+$/i.test(ctx.params.username)) throw Errors.invalidBodyParam("username");
    const user = store.userByName(ctx.params.username);
    if (!user) throw Errors.userByUsernameMissing();
    return { json: userJsonFor(user, reader) };
  });

  // Lists go through app/user.go sanitizeProfiles: every user as a profile, the reader's own record included.
  router.add("GET", "/api/v4/users", "GetUsers", (ctx) => {
    const { admin } = viewer(ctx);
    const inTeam = ctx.query.get("in_team");
    const inChannel = ctx.query.get("in_channel");
    const users = [...store.users.values()]
      .filter((u) => u.delete_at === 0)
      .filter((u) => !inTeam || store.isTeamMember(inTeam, u.id))
      .filter((u) => !inChannel || store.isChannelMember(inChannel, u.id))
      .sort((a, b) => a.username.localeCompare(b.username));
    return { json: pageOf(users, ctx).map((u) => profileJson(u, admin)) };
  });

  router.add("POST", "/api/v4/users/ids", "GetUsersByIds", (ctx) => {
    const { admin } = viewer(ctx);
    const ids = ctx.json<unknown[]>("user_ids");
    if (!Array.isArray(ids)) throw Errors.invalidBodyParam("user_ids");
    const users = ids.map((id) => store.users.get(String(id))).filter((u) => u !== undefined);
    return { json: users.map((u) => profileJson(u, admin)) };
  });

  router.add("POST", "/api/v4/users/usernames", "GetUsersByUsernames", (ctx) => {
    const { admin } = viewer(ctx);
    const names = ctx.json<unknown[]>("usernames");
    if (!Array.isArray(names)) throw Errors.invalidBodyParam("usernames");
    const users = names.map((n) => store.userByName(String(n))).filter((u) => u !== undefined);
    return { json: users.map((u) => profileJson(u, admin)) };
  });

  // api4/user.go searchUsers: term matched against the start of username, names and nickname.
  router.add("POST", "/api/v4/users/search", "SearchUsers", (ctx) => {
    const { admin } = viewer(ctx);
    const body = ctx.json<{ term?: string; team_id?: string; in_channel_id?: string; limit?: number }>("search");
    const term = requireString(body.term, "term").toLowerCase().replace(/^@/, "");
    const matches = [...store.users.values()].filter(
      (u) =>
        u.delete_at === 0 &&
        [u.username, u.first_name, u.last_name, u.nickname].some((field) => field.toLowerCase().startsWith(term)) &&
        (!body.team_id || store.isTeamMember(body.team_id, u.id)) &&
        (!body.in_channel_id || store.isChannelMember(body.in_channel_id, u.id)),
    );
    return { json: matches.slice(0, body.limit ?? 100).map((u) => profileJson(u, admin)) };
  });

  // Personal access tokens (api4/user.go createUserAccessToken): the token is shown once, at creation.
  router.add("POST", "/api/v4/users/{user_id}/tokens", "CreateUserAccessToken", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user, "create_user_access_token");
    const body = ctx.json<{ description?: string }>("token");
    const record = store.createAccessToken(user, requireString(body.description, "description"));
    return { json: accessTokenJson(record, true) };
  });

  router.add("GET", "/api/v4/users/{user_id}/tokens", "GetUserAccessTokensForUser", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user, "read_user_access_token");
    const tokens = [...store.accessTokens.values()].filter((t) => t.user_id === user.id);
    return { json: pageOf(tokens, ctx).map((t) => accessTokenJson(t)) };
  });

  router.add("GET", "/api/v4/users/tokens/{token_id}", "GetUserAccessToken", (ctx) => {
    if (!isValidId(ctx.params.token_id)) throw Errors.invalidUrlParam("token_id");
    const record = store.accessTokens.get(ctx.params.token_id);
    if (!record) throw Errors.tokenMissing();
    const owner = store.users.get(record.user_id);
    if (owner) requireSelfOrAdmin(ctx, owner, "read_user_access_token");
    return { json: accessTokenJson(record) };
  });

  // api4/user.go getSessions: the user's sessions, most recently active first, each through Session.Sanitize.
  router.add("GET", "/api/v4/users/{user_id}/sessions", "GetSessions", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user, "edit_other_users");
    const sessions = [...store.sessions.values()]
      .filter((s) => s.user_id === user.id)
      .sort((a, b) => b.last_activity_at - a.last_activity_at);
    return { json: sessions.map(sessionJson) };
  });

  // Bots (api4/bot.go getBot): system admins read every bot, others the bots they own.
  router.add("GET", "/api/v4/bots/{bot_user_id}", "GetBot", (ctx) => {
    const me = ctx.me();
    if (!isValidId(ctx.params.bot_user_id)) throw Errors.invalidUrlParam("bot_user_id");
    const bot = store.bots.get(ctx.params.bot_user_id);
    if (!bot || (bot.delete_at !== 0 && ctx.query.get("include_deleted") !== "true")) throw Errors.botMissing();
    if (!isAdmin(me) && bot.owner_id !== me.id) throw Errors.permissions("read_others_bots");
    return { json: botJson(bot) };
  });

  router.add("POST", "/api/v4/users/tokens/revoke", "RevokeUserAccessToken", (ctx) => {
    const body = ctx.json<{ token_id?: string }>("token_id");
    const record = store.accessTokens.get(requireString(body.token_id, "token_id"));
    if (!record) throw Errors.tokenMissing();
    const owner = store.users.get(record.user_id);
    if (owner) requireSelfOrAdmin(ctx, owner, "revoke_user_access_token");
    store.accessTokens.delete(record.id);
    store.sessions.delete(record.token);
    return ok();
  });

  // Statuses (api4/status.go).
  router.add("GET", "/api/v4/users/{user_id}/status", "GetUserStatus", (ctx) => {
    ctx.me();
    const status = store.statuses.get(userParam(ctx, env).id);
    if (!status) throw Errors.userMissing();
    return { json: statusJson(status) };
  });

  router.add("PUT", "/api/v4/users/{user_id}/status", "UpdateUserStatus", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user, "edit_other_users");
    const body = ctx.json<{ user_id?: string; status?: string }>("status");
    if (body.user_id !== user.id) throw Errors.invalidBodyParam("user_id");
    const status = requireString(body.status, "status");
    if (!["online", "away", "offline", "dnd"].includes(status)) throw Errors.invalidBodyParam("status");
    const record = store.statuses.get(user.id);
    if (!record) throw Errors.userMissing();
    Object.assign(record, { status, manual: true, last_activity_at: store.now() });
    env.publish("status_change", { status, user_id: user.id }, { user_id: user.id });
    return { json: statusJson(record) };
  });

  router.add("POST", "/api/v4/users/status/ids", "GetUsersStatusesByIds", (ctx) => {
    ctx.me();
    const ids = ctx.json<unknown[]>("user_ids");
    if (!Array.isArray(ids)) throw Errors.invalidBodyParam("user_ids");
    const statuses = ids.map((id) => store.statuses.get(String(id))).filter((s) => s !== undefined);
    return { json: statuses.map(statusJson) };
  });

  // Preferences (api4/preference.go).
  router.add("GET", "/api/v4/users/{user_id}/preferences", "GetPreferences", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user);
    return { json: [...store.preferences.values()].filter((p) => p.user_id === user.id).map(preferenceJson) };
  });

  router.add("GET", "/api/v4/users/{user_id}/preferences/{category}", "GetPreferencesByCategory", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user);
    const preferences = [...store.preferences.values()].filter(
      (p) => p.user_id === user.id && p.category === ctx.params.category,
    );
    return { json: preferences.map(preferenceJson) };
  });

  router.add("PUT", "/api/v4/users/{user_id}/preferences", "UpdatePreferences", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user);
    const list = ctx.json<{ user_id?: string; category?: string; name?: string; value?: string }[]>("preferences");
    if (!Array.isArray(list) || list.length === 0 || list.length > 100) throw Errors.invalidBodyParam("preferences");
    const saved = list.map((p) => {
      if (p.user_id !== user.id) throw Errors.permissions("edit_other_users");
      return {
        user_id: user.id,
        category: requireString(p.category, "category"),
        name: requireString(p.name, "name"),
        value: String(p.value ?? ""),
      };
    });
    for (const record of saved) store.preferences.set(`${user.id}:${record.category}:${record.name}`, record);
    // app/preference.go UpdatePreferences: the saved list, JSON-encoded, to that user.
    env.publish(
      "preferences_changed",
      { preferences: JSON.stringify(saved.map(preferenceJson)) },
      { user_id: user.id },
    );
    return ok();
  });

  router.add("POST", "/api/v4/users/{user_id}/preferences/delete", "DeletePreferences", (ctx) => {
    const user = userParam(ctx, env);
    requireSelfOrAdmin(ctx, user);
    const list = ctx.json<{ category?: string; name?: string; value?: string }[]>("preferences");
    if (!Array.isArray(list)) throw Errors.invalidBodyParam("preferences");
    for (const p of list) store.preferences.delete(`${user.id}:${p.category}:${p.name}`);
    // app/preference.go DeletePreferences: the list as asked for, JSON-encoded, to that user.
    const asked = list.map((p) => ({
      user_id: user.id,
      category: p.category ?? "",
      name: p.name ?? "",
      value: p.value ?? "",
    }));
    env.publish(
      "preferences_deleted",
      { preferences: JSON.stringify(asked.map(preferenceJson)) },
      { user_id: user.id },
    );
    return ok();
  });
}
