/**
 * The fake server's state, in memory. Records have the JSON shape the real server sends (field names and types of
 * the Go structs in server/public/model), so handlers can return them as they are.
 */
import { newId } from "./ids.js";

export interface UserRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  username: string;
  auth_data: string;
  auth_service: string;
  email: string;
  email_verified: boolean;
  nickname: string;
  first_name: string;
  last_name: string;
  position: string;
  roles: string;
  props: Record<string, string>;
  notify_props: Record<string, string>;
  last_password_update: number;
  last_picture_update: number;
  locale: string;
  timezone: Record<string, string>;
  mfa_active: boolean;
  is_bot: boolean;
  bot_description: string;
  disable_welcome_email: boolean;
}

export interface Secrets {
  password?: string;
  mfaSecret?: string;
}

export interface SessionRecord {
  token: string;
  userId: string;
  createAt: number;
  /** Personal access token sessions are not ended by logout. */
  kind: "login" | "access_token";
  expired: boolean;
}

export interface AccessTokenRecord {
  id: string;
  token: string;
  user_id: string;
  description: string;
  is_active: boolean;
}

export interface TeamRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  display_name: string;
  name: string;
  description: string;
  email: string;
  type: string;
  company_name: string;
  allowed_domains: string;
  invite_id: string;
  allow_open_invite: boolean;
  scheme_id: string;
  group_constrained: boolean;
  cloud_limits_archived: boolean;
}

export interface ChannelRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  team_id: string;
  type: string;
  display_name: string;
  name: string;
  header: string;
  purpose: string;
  last_post_at: number;
  total_msg_count: number;
  extra_update_at: number;
  creator_id: string;
  last_root_post_at: number;
  total_msg_count_root: number;
}

export interface PostRecord {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  is_pinned: boolean;
  user_id: string;
  channel_id: string;
  root_id: string;
  original_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  hashtags: string;
  file_ids: string[];
  pending_post_id: string;
  reply_count: number;
  last_reply_at: number;
  has_reactions?: boolean;
  metadata?: Record<string, unknown>;
}

export interface FileRecord {
  info: {
    id: string;
    user_id: string;
    post_id?: string;
    channel_id: string;
    create_at: number;
    update_at: number;
    delete_at: number;
    name: string;
    extension: string;
    size: number;
    mime_type: string;
    has_preview_image?: boolean;
    mini_preview: null;
    remote_id: string;
    archived: boolean;
  };
  bytes: Buffer;
}

export interface ReactionRecord {
  user_id: string;
  post_id: string;
  emoji_name: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  remote_id: string;
  channel_id: string;
}

export interface StatusRecord {
  user_id: string;
  status: string;
  manual: boolean;
  last_activity_at: number;
  dnd_end_time: number;
}

export interface PreferenceRecord {
  user_id: string;
  category: string;
  name: string;
  value: string;
}

export interface TeamMemberRecord {
  team_id: string;
  user_id: string;
  roles: string;
  delete_at: number;
  scheme_guest: boolean;
  scheme_user: boolean;
  scheme_admin: boolean;
  explicit_roles: string;
}

export interface ChannelMemberRecord {
  channel_id: string;
  user_id: string;
  roles: string;
  last_viewed_at: number;
  msg_count: number;
  mention_count: number;
  mention_count_root: number;
  urgent_mention_count: number;
  msg_count_root: number;
  notify_props: Record<string, string>;
  last_update_at: number;
  scheme_guest: boolean;
  scheme_user: boolean;
  scheme_admin: boolean;
  explicit_roles: string;
}

export class Store {
  readonly users = new Map<string, UserRecord>();
  /** Passwords and MFA secrets live apart from the users, so that a user record can be answered as it is. */
  readonly secrets = new Map<string, Secrets>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly teams = new Map<string, TeamRecord>();
  readonly teamMembers = new Map<string, TeamMemberRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly channelMembers = new Map<string, ChannelMemberRecord>();
  readonly posts = new Map<string, PostRecord>();
  readonly files = new Map<string, FileRecord>();
  readonly reactions = new Map<string, ReactionRecord>();
  readonly statuses = new Map<string, StatusRecord>();
  readonly preferences = new Map<string, PreferenceRecord>();
  #clock = 0;

  /** Milliseconds since the epoch, strictly increasing (two records made in one ms still sort). */
  now(): number {
    this.#clock = Math.max(this.#clock + 1, Date.now());
    return this.#clock;
  }

  userByName(username: string): UserRecord | undefined {
    const wanted = username.toLowerCase();
    for (const user of this.users.values()) if (user.username === wanted) return user;
    return undefined;
  }

  userByLogin(loginId: string): UserRecord | undefined {
    const wanted = loginId.toLowerCase();
    for (const user of this.users.values()) if (user.username === wanted || user.email === wanted) return user;
    return undefined;
  }

  createUser(fields: Partial<UserRecord> & { username: string; email: string }, secrets: Secrets = {}): UserRecord {
    const at = this.now();
    const user: UserRecord = {
      id: newId(),
      create_at: at,
      update_at: at,
      delete_at: 0,
      auth_data: "",
      auth_service: "",
      email_verified: true,
      nickname: "",
      first_name: "",
      last_name: "",
      position: "",
      roles: "system_user",
      props: {},
      notify_props: {
        channel: "true",
        comments: "never",
        desktop: "mention",
        desktop_sound: "true",
        email: "true",
        first_name: "false",
        mention_keys: "",
        push: "mention",
        push_status: "away",
      },
      last_password_update: at,
      last_picture_update: 0,
      locale: "en",
      timezone: { automaticTimezone: "", manualTimezone: "", useAutomaticTimezone: "true" },
      mfa_active: Boolean(secrets.mfaSecret),
      is_bot: false,
      bot_description: "",
      disable_welcome_email: false,
      ...fields,
      username: fields.username.toLowerCase(),
      email: fields.email.toLowerCase(),
    };
    this.users.set(user.id, user);
    this.secrets.set(user.id, secrets);
    this.statuses.set(user.id, {
      user_id: user.id,
      status: "offline",
      manual: false,
      last_activity_at: 0,
      dnd_end_time: 0,
    });
    return user;
  }

  createSession(userId: string, kind: SessionRecord["kind"], token = newId()): SessionRecord {
    const session: SessionRecord = { token, userId, createAt: this.now(), kind, expired: false };
    this.sessions.set(token, session);
    return session;
  }

  teamByName(name: string): TeamRecord | undefined {
    for (const team of this.teams.values()) if (team.name === name && team.delete_at === 0) return team;
    return undefined;
  }

  createTeam(fields: Pick<TeamRecord, "name" | "display_name" | "type"> & Partial<TeamRecord>): TeamRecord {
    const at = this.now();
    const team: TeamRecord = {
      id: newId(),
      create_at: at,
      update_at: at,
      delete_at: 0,
      description: "",
      email: "",
      company_name: "",
      allowed_domains: "",
      invite_id: newId(),
      allow_open_invite: fields.type === "O",
      scheme_id: "",
      group_constrained: false,
      cloud_limits_archived: false,
      ...fields,
    };
    this.teams.set(team.id, team);
    return team;
  }

  addTeamMember(teamId: string, userId: string, admin = false): TeamMemberRecord {
    const key = `${teamId}:${userId}`;
    const existing = this.teamMembers.get(key);
    if (existing && existing.delete_at === 0) return existing;
    const member: TeamMemberRecord = {
      team_id: teamId,
      user_id: userId,
      roles: admin ? "team_user team_admin" : "team_user",
      delete_at: 0,
      scheme_guest: false,
      scheme_user: true,
      scheme_admin: admin,
      explicit_roles: "",
    };
    this.teamMembers.set(key, member);
    return member;
  }

  isTeamMember(teamId: string, userId: string): boolean {
    return this.teamMembers.get(`${teamId}:${userId}`)?.delete_at === 0;
  }

  channelByName(teamId: string, name: string): ChannelRecord | undefined {
    for (const channel of this.channels.values()) {
      if (channel.team_id === teamId && channel.name === name && channel.delete_at === 0) return channel;
    }
    return undefined;
  }

  createChannel(
    fields: Pick<ChannelRecord, "team_id" | "name" | "display_name" | "type" | "creator_id"> & Partial<ChannelRecord>,
  ): ChannelRecord {
    const at = this.now();
    const channel: ChannelRecord = {
      id: newId(),
      create_at: at,
      update_at: at,
      delete_at: 0,
      header: "",
      purpose: "",
      last_post_at: at,
      total_msg_count: 0,
      extra_update_at: 0,
      last_root_post_at: at,
      total_msg_count_root: 0,
      ...fields,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addChannelMember(channelId: string, userId: string, admin = false): ChannelMemberRecord {
    const key = `${channelId}:${userId}`;
    const existing = this.channelMembers.get(key);
    if (existing) return existing;
    const at = this.now();
    const member: ChannelMemberRecord = {
      channel_id: channelId,
      user_id: userId,
      roles: admin ? "channel_user channel_admin" : "channel_user",
      last_viewed_at: at,
      msg_count: 0,
      mention_count: 0,
      mention_count_root: 0,
      urgent_mention_count: 0,
      msg_count_root: 0,
      notify_props: {
        desktop: "default",
        email: "default",
        mark_unread: "all",
        push: "default",
        ignore_channel_mentions: "default",
      },
      last_update_at: at,
      scheme_guest: false,
      scheme_user: true,
      scheme_admin: admin,
      explicit_roles: "",
    };
    this.channelMembers.set(key, member);
    return member;
  }

  isChannelMember(channelId: string, userId: string): boolean {
    return this.channelMembers.has(`${channelId}:${userId}`);
  }

  channelMemberIds(channelId: string): string[] {
    const ids: string[] = [];
    for (const member of this.channelMembers.values()) if (member.channel_id === channelId) ids.push(member.user_id);
    return ids;
  }
}
