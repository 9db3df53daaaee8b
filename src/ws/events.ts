/**
 * The event stream's vocabulary: every event name of the server (server/public/model/websocket_message.go), data
 * types for the common ones, and the decoding of the fields the server sends JSON-encoded as strings.
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

/** Who an event was sent to (model.WebsocketBroadcast). */
export interface Broadcast {
  omit_users: Record<string, boolean> | null;
  user_id: string;
  channel_id: string;
  team_id: string;
  connection_id?: string;
  omit_connection_id?: string;
}

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

/** Every event name the server defines (websocket_message.go). Others still arrive, typed generically. */
export const EVENT_NAMES = [
  "typing",
  "posted",
  "post_edited",
  "post_deleted",
  "post_unread",
  "channel_converted",
  "channel_created",
  "channel_deleted",
  "channel_restored",
  "channel_updated",
  "channel_member_updated",
  "channel_scheme_updated",
  "direct_added",
  "group_added",
  "new_user",
  "added_to_team",
  "leave_team",
  "update_team",
  "delete_team",
  "restore_team",
  "update_team_scheme",
  "user_added",
  "user_updated",
  "user_role_updated",
  "memberrole_updated",
  "user_removed",
  "preference_changed",
  "preferences_changed",
  "preferences_deleted",
  "ephemeral_message",
  "status_change",
  "hello",
  "authentication_challenge",
  "reaction_added",
  "reaction_removed",
  "response",
  "emoji_added",
  "channel_viewed",
  "multiple_channels_viewed",
  "plugin_statuses_changed",
  "plugin_enabled",
  "plugin_disabled",
  "role_updated",
  "license_changed",
  "config_changed",
  "open_dialog",
  "guests_deactivated",
  "user_activation_status_change",
  "received_group",
  "received_group_associated_to_team",
  "received_group_not_associated_to_team",
  "received_group_associated_to_channel",
  "received_group_not_associated_to_channel",
  "group_member_deleted",
  "group_member_add",
  "sidebar_category_created",
  "sidebar_category_updated",
  "sidebar_category_deleted",
  "sidebar_category_order_updated",
  "cloud_payment_status_updated",
  "cloud_subscription_changed",
  "thread_updated",
  "thread_follow_changed",
  "thread_read_changed",
  "first_admin_visit_marketplace_status_received",
  "draft_created",
  "draft_updated",
  "draft_deleted",
  "post_acknowledgement_added",
  "post_acknowledgement_removed",
  "persistent_notification_triggered",
  "hosted_customer_signup_progress_updated",
  "channel_bookmark_created",
  "channel_bookmark_updated",
  "channel_bookmark_deleted",
  "channel_bookmark_sorted",
  "presence",
  "posted_notify_ack",
  "scheduled_post_created",
  "scheduled_post_updated",
  "scheduled_post_deleted",
  "webhook_event_listener_data_received",
  "custom_profile_attributes_field_created",
  "custom_profile_attributes_field_updated",
  "custom_profile_attributes_field_deleted",
  "custom_profile_attributes_values_updated",
] as const;

export type KnownEventName = (typeof EVENT_NAMES)[number];

export type EventData<K extends string> = K extends keyof EventDataMap ? EventDataMap[K] : Record<string, unknown>;

/** A server event, with its JSON-encoded fields decoded. */
export interface ServerEvent<K extends string = string> {
  event: K;
  data: EventData<K>;
  broadcast: Broadcast;
  /** The connection's sequence number (absent on events recovered over REST). */
  seq?: number;
  /** True on `posted` events fetched over REST after events were lost (catch-up). */
  recovered?: boolean;
}

/** Any event, discriminated by name for the typed ones. */
export type AnyServerEvent = { [K in keyof EventDataMap]: ServerEvent<K> }[keyof EventDataMap] | ServerEvent<string>;

/** Fields the server sends as JSON strings, by event (a Map: an event named `constructor` finds nothing). */
const ENCODED = new Map<string, readonly string[]>(
  Object.entries({
    posted: ["post", "mentions", "followers"],
    post_edited: ["post"],
    post_deleted: ["post"],
    ephemeral_message: ["post"],
    reaction_added: ["reaction"],
    reaction_removed: ["reaction"],
    channel_updated: ["channel"],
    channel_member_updated: ["channelMember"],
    update_team: ["team"],
    delete_team: ["team"],
    memberrole_updated: ["member"],
    emoji_added: ["emoji"],
    preferences_changed: ["preferences"],
    preferences_deleted: ["preferences"],
    preference_changed: ["preference"],
    thread_updated: ["thread"],
    sidebar_category_updated: ["updatedCategories"],
    draft_created: ["draft"],
    draft_updated: ["draft"],
    draft_deleted: ["draft"],
    scheduled_post_created: ["scheduledPost"],
    scheduled_post_updated: ["scheduledPost"],
    scheduled_post_deleted: ["scheduledPost"],
    post_acknowledgement_added: ["acknowledgement"],
    post_acknowledgement_removed: ["acknowledgement"],
  }),
);

/** Decodes the JSON-string fields in place (a field that does not parse is left as the string). */
export function decodeData(event: string, data: Record<string, unknown>): void {
  const fields = ENCODED.get(event);
  if (!fields) return;
  for (const field of fields) {
    if (!Object.hasOwn(data, field)) continue;
    const value = data[field];
    if (typeof value !== "string") continue;
    try {
      data[field] = JSON.parse(value);
    } catch {
      // Not JSON after all: leave it as the server sent it.
    }
  }
}
