/**
 * The event stream's vocabulary: every event name of the server (server/public/model/websocket_message.go), data
 * types for the common ones, and the decoding of the fields the server sends JSON-encoded as strings.
 */
import type { EventDataMap } from "./event-data.js";

export type {
  ChannelCreatedData,
  ChannelDeletedData,
  ChannelIdData,
  ChannelMemberUpdatedData,
  ChannelUpdatedData,
  ChannelViewedData,
  ConfigChangedData,
  DirectAddedData,
  EmojiAddedData,
  EventDataMap,
  HelloData,
  LicenseChangedData,
  MemberRoleUpdatedData,
  MultipleChannelsViewedData,
  NewUserData,
  PostData,
  PostDeletedData,
  PostedData,
  PostUnreadData,
  PreferencesData,
  ReactionData,
  StatusChangeData,
  TeamData,
  TeamMemberData,
  ThreadFollowChangedData,
  ThreadReadChangedData,
  ThreadUpdatedData,
  TypingData,
  UserAddedData,
  UserRemovedData,
  UserRoleUpdatedData,
  UserUpdatedData,
} from "./event-data.js";

/** Who an event was sent to (model.WebsocketBroadcast). */
export interface Broadcast {
  omit_users: Record<string, boolean> | null;
  user_id: string;
  channel_id: string;
  team_id: string;
  connection_id?: string;
  omit_connection_id?: string;
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

/**
 * A plugin's event: the server names it `custom_<plugin id>_<event>` (server/channels/app/plugin_api.go
 * PublishWebSocketEvent, commit 004cacd43c54177e1e322e38ae1ebb0995feff69).
 */
export type PluginEventName = `custom_${string}`;

/** Every name a server event can be given as a literal: the server's own and plugins'. */
export type ServerEventName = KnownEventName | PluginEventName;

export type EventData<K extends string> = K extends keyof EventDataMap ? EventDataMap[K] : Record<string, unknown>;

/** What every server event carries besides its name and data. */
interface ServerEventFields {
  broadcast: Broadcast;
  /** The connection's sequence number (absent on events recovered over REST). */
  seq?: number;
  /** True on `posted` events fetched over REST after events were lost (catch-up). */
  recovered?: boolean;
}

/** A server event, with its JSON-encoded fields decoded. */
export interface ServerEvent<K extends string = string> extends ServerEventFields {
  event: K;
  data: EventData<K>;
}

/** One member per name of the server's (`EVENT_NAMES`): `if (e.event === "posted")` narrows `e.data`. */
export type KnownServerEvent = { [K in KnownEventName]: ServerEvent<K> }[KnownEventName];

/** A plugin's event (`custom_<plugin id>_<event>`), its data as the plugin sent it. */
export type PluginServerEvent = ServerEvent<PluginEventName>;

/**
 * An event of a name the types do not know (a server newer than `EVENT_NAMES`): delivered as it came, never dropped.
 * Its `event` is a string at run time; it is typed `never` because TypeScript has no "any string but these" type, and
 * a member typed `string` (or `string & {}`, or a branded string) makes `e.event === "posted"` stop narrowing the
 * union. So it is left out of every comparison with a name and appears where the known names are ruled out (a
 * `switch`'s `default`, an `else`). Read its name with `String(e.event)`.
 */
export interface UnknownServerEvent extends ServerEventFields {
  event: never;
  data: Record<string, unknown>;
}

/** Any event the stream delivers, discriminated by `event`. */
export type AnyServerEvent = KnownServerEvent | PluginServerEvent | UnknownServerEvent;

/** The event a listener of `name` receives: one member for a known name, every event for `*` or a non-literal name. */
export type EventOf<K extends string> = string extends K
  ? AnyServerEvent
  : K extends "*"
    ? AnyServerEvent
    : K extends KnownEventName
      ? ServerEvent<K>
      : K extends PluginEventName
        ? PluginServerEvent
        : never;

/**
 * The type of a name argument (`on(name)`): a literal must be a server event name, `custom_...` or `*`, so a
 * misspelled name is a compile error; a `string` variable is accepted (its events arrive as `AnyServerEvent`).
 */
export type EventNameArg<K extends string> = string extends K
  ? K
  : K extends ServerEventName | "*"
    ? K
    : ServerEventName | "*";

/**
 * Fields the server sends as JSON strings, by event; read with Object.hasOwn, so an event named `constructor` finds
 * nothing. A plain literal (not a Map built by a call) so that a bundle without the event stream can drop it.
 */
const ENCODED: Readonly<Record<string, readonly string[]>> = {
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
};

/** Decodes the JSON-string fields in place (a field that does not parse is left as the string). */
export function decodeData(event: string, data: Record<string, unknown>): void {
  if (!Object.hasOwn(ENCODED, event)) return;
  const fields = ENCODED[event];
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
