/**
 * The fake server's state, in memory. Records hold every field of the server's Go structs (server/public/model);
 * the builders in records/ give each kind its defaults, and its `*Json` function writes it as the server does.
 * Handlers create records only through the store, so no handler repeats a default.
 */
import { newId } from "./ids.js";
import { type ChannelMemberRecord, type ChannelRecord, newChannel, newChannelMember } from "./records/channels.js";
import {
  type FileInfoRecord,
  newFileInfo,
  newPost,
  newReaction,
  type PostRecord,
  postJson,
  type ReactionRecord,
} from "./records/posts.js";
import {
  type AccessTokenRecord,
  newAccessTokenSession,
  newLoginSession,
  type SessionRecord,
  sessionExpired,
} from "./records/sessions.js";
import { newTeam, newTeamMember, type TeamMemberRecord, type TeamRecord } from "./records/teams.js";
import {
  type BotRecord,
  newStatus,
  newUser,
  type PreferenceRecord,
  type StatusRecord,
  type UserRecord,
} from "./records/users.js";

export type { ChannelMemberRecord, ChannelRecord } from "./records/channels.js";
export type { FileInfoRecord, PostRecord, ReactionRecord } from "./records/posts.js";
export type { AccessTokenRecord, SessionRecord } from "./records/sessions.js";
export type { TeamMemberRecord, TeamRecord } from "./records/teams.js";
export type { BotRecord, PreferenceRecord, StatusRecord, UserRecord } from "./records/users.js";

export interface Secrets {
  password?: string;
  mfaSecret?: string | undefined;
}

export interface FileRecord {
  info: FileInfoRecord;
  bytes: Buffer;
}

export class Store {
  readonly users = new Map<string, UserRecord>();
  /** Passwords and MFA secrets live apart from the users, so that no answer can carry them. */
  readonly secrets = new Map<string, Secrets>();
  readonly bots = new Map<string, BotRecord>();
  /** By token. */
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
  #frozen = false;

  /**
   * Milliseconds since the epoch, strictly increasing (two records made in one ms still sort), unless the clock is
   * frozen: then every record made meanwhile shares one millisecond, as posts made at once on a busy server do.
   */
  now(): number {
    if (!this.#frozen || this.#clock === 0) this.#clock = Math.max(this.#clock + 1, Date.now());
    return this.#clock;
  }

  /** Fault control: every record made while frozen gets the same time (the next tick after unfreezing moves on). */
  freezeClock(on: boolean): void {
    if (on && !this.#frozen) this.now();
    this.#frozen = on;
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
    const user = newUser(newId(), this.now(), {
      mfa_active: Boolean(secrets.mfaSecret),
      ...fields,
      username: fields.username.toLowerCase(),
      email: fields.email.toLowerCase(),
    });
    this.users.set(user.id, user);
    this.secrets.set(user.id, secrets);
    this.statuses.set(user.id, newStatus(user.id));
    return user;
  }

  /** A bot and its user, as app/bot.go CreateBot makes them (model.UserFromBot: first name = display name). */
  createBot(fields: Pick<BotRecord, "username" | "owner_id"> & Partial<BotRecord>): BotRecord {
    const user = this.createUser({
      username: fields.username,
      email: `${fields.username}@localhost`,
      first_name: fields.display_name ?? "",
      is_bot: true,
      bot_description: fields.description ?? "",
    });
    const bot: BotRecord = {
      display_name: "",
      description: "",
      last_icon_update: 0,
      create_at: user.create_at,
      update_at: user.update_at,
      delete_at: 0,
      ...fields,
      user_id: user.id,
      username: user.username,
    };
    this.bots.set(bot.user_id, bot);
    return bot;
  }

  /** A password (or MFA) login's session. */
  createLoginSession(user: UserRecord): SessionRecord {
    const session = newLoginSession({ id: newId(), token: newId(), csrf: newId() }, this.now(), user.id, user.roles);
    this.sessions.set(session.token, session);
    return session;
  }

  /** A personal access token and the session it opens. */
  createAccessToken(user: UserRecord, description: string): AccessTokenRecord {
    const token: AccessTokenRecord = {
      id: newId(),
      token: newId(),
      user_id: user.id,
      description,
      is_active: true,
      expires_at: 0,
    };
    this.accessTokens.set(token.id, token);
    const session = newAccessTokenSession(newId(), this.now(), token, user);
    this.sessions.set(session.token, session);
    return token;
  }

  /** The session of a token, unless it expired. */
  activeSession(token: string): SessionRecord | undefined {
    const session = this.sessions.get(token);
    return session && !sessionExpired(session) ? session : undefined;
  }

  teamByName(name: string): TeamRecord | undefined {
    for (const team of this.teams.values()) if (team.name === name && team.delete_at === 0) return team;
    return undefined;
  }

  createTeam(fields: Pick<TeamRecord, "name" | "display_name" | "type"> & Partial<TeamRecord>): TeamRecord {
    const team = newTeam(newId(), newId(), this.now(), fields);
    this.teams.set(team.id, team);
    return team;
  }

  addTeamMember(teamId: string, userId: string, admin = false): TeamMemberRecord {
    const key = `${teamId}:${userId}`;
    const existing = this.teamMembers.get(key);
    if (existing && existing.delete_at === 0) return existing;
    const member = newTeamMember(teamId, userId, admin);
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
    const channel = newChannel(newId(), this.now(), fields);
    this.channels.set(channel.id, channel);
    return channel;
  }

  addChannelMember(channelId: string, userId: string, admin = false): ChannelMemberRecord {
    const key = `${channelId}:${userId}`;
    const existing = this.channelMembers.get(key);
    if (existing) return existing;
    const member = newChannelMember(channelId, userId, admin, this.now());
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

  /** A post, counted in its channel (last_post_at, total_msg_count, and the root counters for a root). */
  createPost(fields: Pick<PostRecord, "user_id" | "channel_id" | "message"> & Partial<PostRecord>): PostRecord {
    const post = newPost(newId(), this.now(), fields);
    this.posts.set(post.id, post);
    const channel = this.channels.get(post.channel_id);
    if (channel) {
      channel.last_post_at = post.create_at;
      channel.total_msg_count++;
      if (!post.root_id) {
        channel.last_root_post_at = post.create_at;
        channel.total_msg_count_root++;
      }
    }
    return post;
  }

  /** The post as answers and events carry it, with its files, reactions and the thread's reply count. */
  postJson(post: PostRecord): Record<string, unknown> {
    const rootId = post.root_id || post.id;
    let replyCount = 0;
    for (const p of this.posts.values()) if (p.root_id === rootId && p.delete_at === 0) replyCount++;
    const files = (post.file_ids ?? []).map((id) => this.files.get(id)?.info).filter((f) => f !== undefined);
    const reactions = [...this.reactions.values()].filter((r) => r.post_id === post.id);
    return postJson(post, { files, reactions, replyCount });
  }

  createFile(
    fields: Pick<FileInfoRecord, "user_id" | "channel_id" | "name" | "extension" | "size" | "mime_type"> &
      Partial<FileInfoRecord>,
    bytes: Buffer,
  ): FileInfoRecord {
    const info = newFileInfo(newId(), this.now(), fields);
    this.files.set(info.id, { info, bytes });
    return info;
  }

  /** Saves a reaction (one per user, post and emoji). */
  addReaction(fields: Pick<ReactionRecord, "user_id" | "post_id" | "emoji_name" | "channel_id">): ReactionRecord {
    const reaction = newReaction(this.now(), fields);
    this.reactions.set(`${reaction.post_id}:${reaction.user_id}:${reaction.emoji_name}`, reaction);
    return reaction;
  }
}
