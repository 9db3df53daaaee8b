/**
 * The data of the server's common events, typed from where the server publishes them, with the fields the server
 * sends JSON-encoded already decoded (events.ts decodes them).
 */
import type {
  Channel,
  ChannelMember,
  Emoji,
  Post,
  Preference,
  Reaction,
  Team,
  TeamMember,
  User,
  UserThread,
} from "../generated/models/index.js";

export interface HelloData {
  server_version: string;
  connection_id: string;
  server_hostname?: string;
}

export interface PostedData {
  /** Decoded from the JSON string the server sends. */
  post: Post;
  channel_display_name: string;
  channel_name: string;
  channel_type: string;
  sender_name: string;
  team_id: string;
  set_online?: boolean;
  /** Decoded: present (holding only your user id) when the post mentions you. */
  mentions?: string[];
  /** Decoded: thread followers to notify. */
  followers?: string[];
  otherFile?: string;
  image?: string;
  should_ack?: boolean;
}

export interface PostData {
  post: Post;
}

export interface PostDeletedData {
  post: Post;
  /** Only in the copy system admins get. */
  delete_by?: string;
}

export interface ReactionData {
  reaction: Reaction;
}

export interface TypingData {
  parent_id: string;
  user_id: string;
}

export interface StatusChangeData {
  status: string;
  user_id: string;
}

export interface ChannelViewedData {
  channel_id: string;
}

export interface UserAddedData {
  user_id: string;
  team_id: string;
}

export interface UserRemovedData {
  user_id?: string;
  channel_id?: string;
  remover_id?: string;
}

export interface ChannelCreatedData {
  channel_id: string;
  team_id: string;
}

export interface ChannelUpdatedData {
  channel: Channel;
}

export interface ChannelDeletedData {
  channel_id: string;
  delete_at: number;
}

export interface DirectAddedData {
  creator_id: string;
  teammate_id: string;
}

export interface TeamMemberData {
  team_id: string;
  user_id: string;
}

export interface EmojiAddedData {
  emoji: Emoji;
}

// The events below are typed from where the server publishes them (server/channels/app/: user.go, preference.go,
// channel.go, notification.go, team.go, platform/service.go).

/** user_updated: the user, sanitised for the receiver (app/user.go sendUpdatedUserEvent). */
export interface UserUpdatedData {
  user: User;
}

/** new_user (app/user.go createUserOrGuest). */
export interface NewUserData {
  user_id: string;
}

/** user_role_updated, to that user (app/user.go UpdateUserRolesWithUser). */
export interface UserRoleUpdatedData {
  user_id: string;
  /** The new roles, space-separated. */
  roles: string;
}

/** preferences_changed and preferences_deleted, to the user (app/preference.go). */
export interface PreferencesData {
  preferences: Preference[];
}

/** channel_member_updated, to the member (app/channel.go). */
export interface ChannelMemberUpdatedData {
  channelMember: ChannelMember;
}

/** channel_converted and channel_restored (app/channel.go UpdateChannelPrivacy, RestoreChannel). */
export interface ChannelIdData {
  channel_id: string;
}

/** post_unread (app/channel.go sendWebSocketPostUnreadEvent). */
export interface PostUnreadData {
  post_id: string;
  msg_count: number;
  msg_count_root: number;
  mention_count: number;
  mention_count_root: number;
  urgent_mention_count: number;
  last_viewed_at: number;
}

/** thread_updated, to each follower (app/notification.go); the counts are absent from some publishers. */
export interface ThreadUpdatedData {
  thread: UserThread;
  previous_unread_mentions?: number;
  previous_unread_replies?: number;
}

/**
 * thread_read_changed: one thread read (all fields), a channel's threads viewed (`timestamp` only), or every
 * thread of a team read (no field) (app/user.go, app/channel.go).
 */
export interface ThreadReadChangedData {
  thread_id?: string;
  channel_id?: string;
  timestamp?: number;
  unread_mentions?: number;
  unread_replies?: number;
  previous_unread_mentions?: number;
  previous_unread_replies?: number;
}

/** thread_follow_changed (app/user.go UpdateThreadFollowForUser). */
export interface ThreadFollowChangedData {
  thread_id: string;
  state: boolean;
  reply_count: number;
}

/** update_team and delete_team: the team without its email and invite id (app/team.go sendTeamEvent). */
export interface TeamData {
  team: Team;
}

/** memberrole_updated, to that member (app/team.go sendUpdatedMemberRoleEvent). */
export interface MemberRoleUpdatedData {
  member: TeamMember;
}

/** config_changed: the client configuration, every value a string (app/platform/service.go). */
export interface ConfigChangedData {
  config: Record<string, string>;
}

/** license_changed: the sanitised client license, every value a string (app/platform/service.go). */
export interface LicenseChangedData {
  license: Record<string, string>;
}

/** multiple_channels_viewed: last-viewed time by channel id (app/channel.go MarkChannelsAsViewed). */
export interface MultipleChannelsViewedData {
  channel_times: Record<string, number>;
}

/** Data types by event name; events not listed carry `Record<string, unknown>`. */
export interface EventDataMap {
  hello: HelloData;
  posted: PostedData;
  post_edited: PostData;
  post_deleted: PostDeletedData;
  ephemeral_message: PostData;
  reaction_added: ReactionData;
  reaction_removed: ReactionData;
  typing: TypingData;
  status_change: StatusChangeData;
  channel_viewed: ChannelViewedData;
  user_added: UserAddedData;
  user_removed: UserRemovedData;
  channel_created: ChannelCreatedData;
  channel_updated: ChannelUpdatedData;
  channel_deleted: ChannelDeletedData;
  direct_added: DirectAddedData;
  added_to_team: TeamMemberData;
  leave_team: TeamMemberData;
  emoji_added: EmojiAddedData;
  user_updated: UserUpdatedData;
  new_user: NewUserData;
  user_role_updated: UserRoleUpdatedData;
  preferences_changed: PreferencesData;
  preferences_deleted: PreferencesData;
  channel_member_updated: ChannelMemberUpdatedData;
  channel_converted: ChannelIdData;
  channel_restored: ChannelIdData;
  post_unread: PostUnreadData;
  thread_updated: ThreadUpdatedData;
  thread_read_changed: ThreadReadChangedData;
  thread_follow_changed: ThreadFollowChangedData;
  update_team: TeamData;
  delete_team: TeamData;
  memberrole_updated: MemberRoleUpdatedData;
  config_changed: ConfigChangedData;
  license_changed: LicenseChangedData;
  multiple_channels_viewed: MultipleChannelsViewedData;
}
