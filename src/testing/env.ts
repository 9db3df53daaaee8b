/** What the fake server's handlers share: the state, the event stream, counters, and small helpers. */
import { Errors } from "./app-error.js";
import { isValidId } from "./ids.js";
import type { Viewer } from "./records/users.js";
import type { Context } from "./router.js";
import type { ChannelRecord, Store, UserRecord } from "./store.js";

/** Who receives an event (model.WebsocketBroadcast). */
export interface Broadcast {
  user_id?: string | undefined;
  channel_id?: string | undefined;
  team_id?: string | undefined;
  omit_users?: Record<string, boolean> | undefined;
}

export interface Stats {
  /** Successful logins (POST /users/login). */
  logins: number;
  logouts: number;
  /** TCP connections accepted by the HTTP server. */
  connections: number;
  requests: number;
  /** WebSocket connections accepted (authenticated or not). */
  webSockets: number;
}

export interface Env {
  store: Store;
  stats: Stats;
  serverVersion: string;
  /** What GET /api/v4/plugins answers. */
  plugins: { active: Record<string, unknown>[]; inactive: Record<string, unknown>[] };
  /**
   * Sends an event to every connected WebSocket session the broadcast selects. `perUser` may change the data
   * for one receiver (posted.mentions is per user).
   */
  publish(
    event: string,
    data: Record<string, unknown>,
    broadcast: Broadcast,
    perUser?: (userId: string, data: Record<string, unknown>) => Record<string, unknown>,
  ): void;
}

export function ok(): { json: { status: string } } {
  return { json: { status: "OK" } };
}

/** "me" or an id: the user, or the server's 404. */
export function userParam(ctx: Context, env: Env, name = "user_id"): UserRecord {
  const id = ctx.params[name];
  if (id === "me") return ctx.me();
  if (!isValidId(id)) throw Errors.invalidUrlParam(name);
  const user = env.store.users.get(id);
  if (!user) throw Errors.userMissing();
  return user;
}

/** The session's own user, or a system admin acting for them; others get the server's 403. */
export function requireSelfOrAdmin(ctx: Context, user: UserRecord, permission = "edit_other_users"): void {
  const me = ctx.me();
  if (me.id !== user.id && !isAdmin(me)) throw Errors.permissions(permission);
}

export function isAdmin(user: UserRecord): boolean {
  return user.roles.split(" ").includes("system_admin");
}

/** Who reads an answer (user records are shown differently to their owner, admins and others). */
export function viewer(ctx: Context): Viewer {
  const me = ctx.me();
  return { id: me.id, admin: isAdmin(me) };
}

export function channelParam(ctx: Context, env: Env, name = "channel_id"): ChannelRecord {
  const id = ctx.params[name];
  if (!isValidId(id)) throw Errors.invalidUrlParam(name);
  const channel = env.store.channels.get(id);
  if (channel?.delete_at !== 0) throw Errors.channelMissing();
  return channel;
}

/** Readable by members, and (open channels) by members of its team; admins read everything. */
export function requireChannelAccess(ctx: Context, env: Env, channel: ChannelRecord): void {
  const me = ctx.me();
  if (isAdmin(me) || env.store.isChannelMember(channel.id, me.id)) return;
  if (channel.type === "O" && env.store.isTeamMember(channel.team_id, me.id)) return;
  throw Errors.permissions("read_channel");
}

export function intQuery(ctx: Context, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw Errors.invalidUrlParam(name);
  return Math.min(value, max);
}

/** Mattermost pages: page and per_page (at most 200, default 60). */
export function paging(ctx: Context): { page: number; perPage: number } {
  return { page: intQuery(ctx, "page", 0), perPage: intQuery(ctx, "per_page", 60, 200) };
}

export function pageOf<T>(items: T[], ctx: Context): T[] {
  const { page, perPage } = paging(ctx);
  return items.slice(page * perPage, (page + 1) * perPage);
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw Errors.invalidBodyParam(name);
  return value;
}
