/**
 * Users, bots, statuses and preferences as the server keeps and writes them (server/public/model user.go, bot.go,
 * status.go, preference.go). Passwords and MFA secrets are not here: they live in the store's `secrets`, and
 * User.Sanitize clears them from every answer anyway.
 */
import { encode, goShape } from "./wire.js";

export interface UserRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  username: string;
  /** A pointer: nil (null) for password users once saved (User.PreSave); Sanitize makes it "" in answers. */
  auth_data: string | null;
  auth_service: string;
  email: string;
  email_verified: boolean;
  nickname: string;
  first_name: string;
  last_name: string;
  position: string;
  roles: string;
  allow_marketing: boolean;
  props: Record<string, string>;
  notify_props: Record<string, string>;
  last_password_update: number;
  last_picture_update: number;
  failed_attempts: number;
  locale: string;
  /** A map, or null for a bare user (a thread participant known only by id). */
  timezone: Record<string, string> | null;
  mfa_active: boolean;
  /** A pointer: nil (null, left out) for local users. */
  remote_id: string | null;
  last_activity_at: number;
  is_bot: boolean;
  bot_description: string;
  bot_last_icon_update: number;
  terms_of_service_id: string;
  terms_of_service_create_at: number;
  disable_welcome_email: boolean;
  last_login: number;
}

const USER_COMMIT = "02728cf7fb0e1a27073bf1bd1eab1a5a56b4e03f";

/** model.User; `password` and `mfa_secret` are kept apart (see above) and never written. */
export const USER = goShape<UserRecord>("User", "user.go", USER_COMMIT, [
  "id",
  "create_at?",
  "update_at?",
  "delete_at",
  "username",
  "auth_data*?",
  "auth_service",
  "email",
  "email_verified?",
  "nickname",
  "first_name",
  "last_name",
  "position",
  "roles",
  "allow_marketing?",
  "props?",
  "notify_props?",
  "last_password_update?",
  "last_picture_update?",
  "failed_attempts?",
  "locale",
  "timezone",
  "mfa_active?",
  "remote_id*?",
  "last_activity_at?",
  "is_bot?",
  "bot_description?",
  "bot_last_icon_update?",
  "terms_of_service_id?",
  "terms_of_service_create_at?",
  "disable_welcome_email",
  "last_login?",
]);

/** A new user as User.PreSave leaves it: default notify props and timezone, last_password_update = create_at. */
export function newUser(id: string, at: number, fields: Partial<UserRecord>): UserRecord {
  return {
    id,
    create_at: at,
    update_at: at,
    delete_at: 0,
    username: "",
    auth_data: null,
    auth_service: "",
    email: "",
    email_verified: true,
    nickname: "",
    first_name: "",
    last_name: "",
    position: "",
    roles: "system_user",
    allow_marketing: false,
    props: {},
    // User.SetDefaultNotifications (user.go).
    notify_props: {
      channel: "true",
      comments: "never",
      desktop: "mention",
      desktop_sound: "true",
      desktop_threads: "all",
      email: "true",
      email_threads: "all",
      first_name: "false",
      mention_keys: "",
      push: "mention",
      push_status: "away",
      push_threads: "all",
    },
    last_password_update: at,
    last_picture_update: 0,
    failed_attempts: 0,
    locale: "en",
    // timezones.DefaultUserTimezone, set by User.PreSave.
    timezone: { automaticTimezone: "", manualTimezone: "", useAutomaticTimezone: "true" },
    mfa_active: false,
    remote_id: null,
    last_activity_at: 0,
    is_bot: false,
    bot_description: "",
    bot_last_icon_update: 0,
    terms_of_service_id: "",
    terms_of_service_create_at: 0,
    disable_welcome_email: false,
    last_login: 0,
    ...fields,
  };
}

/** Who reads an answer: a user record is shown differently to its owner, to system admins and to others. */
export interface Viewer {
  id: string;
  admin: boolean;
}

/** A user's own record (login, sign-up, getUser on oneself): User.Sanitize with no options (user.go). */
export function userJson(user: UserRecord): Record<string, unknown> {
  // No password, MFA secret or last login; auth_data a pointer to "".
  return encode(USER, { ...user, auth_data: "", last_login: 0 });
}

/**
 * Someone's profile as lists (and getUser on another user) show it: User.SanitizeProfile (user.go) with the
 * config's options (app/user.go GetSanitizeOptions: ShowEmailAddress and ShowFullName are on by default, admins
 * also see auth_service; "passwordupdate" is never set). The lists sanitize even the reader's own record.
 */
export function profileJson(user: UserRecord, admin: boolean): Record<string, unknown> {
  return encode(USER, {
    ...user,
    // ClearNonProfileFields.
    auth_data: "",
    email_verified: false,
    allow_marketing: false,
    notify_props: {},
    last_password_update: 0,
    failed_attempts: 0,
    // Sanitize(options).
    last_login: 0,
    auth_service: admin ? user.auth_service : "",
  });
}

/** api4/user.go getUser and getUserByUsername: the reader's own record, or a profile. */
export function userJsonFor(user: UserRecord, viewer: Viewer): Record<string, unknown> {
  return user.id === viewer.id ? userJson(user) : profileJson(user, viewer.admin);
}

export interface BotRecord {
  user_id: string;
  username: string;
  display_name: string;
  description: string;
  /** A user id, or a plugin id for a plugin's bot. */
  owner_id: string;
  last_icon_update: number;
  create_at: number;
  update_at: number;
  delete_at: number;
}

/** model.Bot; its MarshalJSON writes a computed system_owned before these. */
export const BOT = goShape<BotRecord>("Bot", "bot.go", "0e1dc0e7b99cac833fe841d9ce1900c575caf8f8", [
  "user_id",
  "username",
  "display_name?",
  "description?",
  "owner_id",
  "last_icon_update?",
  "create_at",
  "update_at",
  "delete_at",
]);

/** Bot.MarshalJSON (bot.go): system_owned first, true for the protected usernames (system-bot among them). */
export function botJson(bot: BotRecord): Record<string, unknown> {
  return { system_owned: bot.username === "system-bot", ...encode(BOT, bot) };
}

export interface StatusRecord {
  user_id: string;
  status: string;
  manual: boolean;
  last_activity_at: number;
  active_channel: string;
  /** In seconds, unlike every other timestamp (status.go). */
  dnd_end_time: number;
}

export const STATUS = goShape<StatusRecord>("Status", "status.go", "1097a9ca90ccff155f2e3d99cf56a001ae25a92e", [
  "user_id",
  "status",
  "manual",
  "last_activity_at",
  "active_channel?",
  "dnd_end_time",
]);

export function newStatus(userId: string): StatusRecord {
  return {
    user_id: userId,
    status: "offline",
    manual: false,
    last_activity_at: 0,
    active_channel: "",
    dnd_end_time: 0,
  };
}

export const statusJson = (status: StatusRecord) => encode(STATUS, status);

export interface PreferenceRecord {
  user_id: string;
  category: string;
  name: string;
  value: string;
}

export const PREFERENCE = goShape<PreferenceRecord>(
  "Preference",
  "preference.go",
  "040debc5e3c66abcf12a195e12d9971c4542ef05",
  ["user_id", "category", "name", "value"],
);

export const preferenceJson = (preference: PreferenceRecord) => encode(PREFERENCE, preference);
