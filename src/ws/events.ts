/**
 * The event stream's vocabulary: every event name of the server (server/public/model/websocket_message.go), data
 * types for the common ones, and the decoding of the fields the server sends JSON-encoded as strings.
 */
import type { Channel, Emoji, Post, Reaction } from "../generated/models/index.js";

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

/** Fields the server sends as JSON strings, by event. */
const ENCODED: Record<string, readonly string[]> = {
  posted: ["post", "mentions", "followers"],
  post_edited: ["post"],
  post_deleted: ["post"],
  ephemeral_message: ["post"],
  reaction_added: ["reaction"],
  reaction_removed: ["reaction"],
  channel_updated: ["channel"],
  channel_converted: ["channel"],
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
};

/** Decodes the JSON-string fields in place (a field that does not parse is left as the string). */
export function decodeData(event: string, data: Record<string, unknown>): void {
  const fields = ENCODED[event];
  if (!fields) return;
  for (const field of fields) {
    const value = data[field];
    if (typeof value !== "string") continue;
    try {
      data[field] = JSON.parse(value);
    } catch {
      // Not JSON after all: leave it as the server sent it.
    }
  }
}
