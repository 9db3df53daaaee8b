/** Channels and channel members as the server keeps and writes them (model channel.go, channel_member.go). */
import { encode, goShape } from "./wire.js";

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
  /** Pointers and a map, nil (null) for a channel created through the API. */
  scheme_id: string | null;
  props: Record<string, unknown> | null;
  group_constrained: boolean | null;
  autotranslation: boolean;
  shared: boolean | null;
  total_msg_count_root: number;
  policy_id: string | null;
  last_root_post_at: number;
  banner_info: { enabled: boolean | null; text: string | null; background_color: string | null } | null;
  policy_enforced: boolean;
  policy_actions: Record<string, boolean> | null;
  policy_is_active: boolean;
  default_category_name: string;
  managed_category_name: string;
  discoverable: boolean;
}

/**
 * model.Channel. The file is a branch state (PROVENANCE.md): autotranslation, policy_is_active, the two category
 * names and discoverable are newer than 10.11; the fixtures and our models have them, so the fake writes them.
 */
export const CHANNEL = goShape<ChannelRecord>("Channel", "channel.go", "004340fa1b599e5c2c24f28c6e18e2d0829889b9", [
  "id",
  "create_at",
  "update_at",
  "delete_at",
  "team_id",
  "type",
  "display_name",
  "name",
  "header",
  "purpose",
  "last_post_at",
  "total_msg_count",
  "extra_update_at",
  "creator_id",
  "scheme_id*",
  "props",
  "group_constrained*",
  "autotranslation",
  "shared*",
  "total_msg_count_root",
  "policy_id*",
  "last_root_post_at",
  "banner_info*",
  "policy_enforced",
  "policy_actions?",
  "policy_is_active",
  "default_category_name",
  "managed_category_name",
  "discoverable",
]);

export function newChannel(
  id: string,
  at: number,
  fields: Pick<ChannelRecord, "team_id" | "name" | "display_name" | "type" | "creator_id"> & Partial<ChannelRecord>,
): ChannelRecord {
  return {
    id,
    create_at: at,
    update_at: at,
    delete_at: 0,
    header: "",
    purpose: "",
    last_post_at: at,
    total_msg_count: 0,
    extra_update_at: 0,
    scheme_id: null,
    props: null,
    group_constrained: null,
    autotranslation: false,
    shared: null,
    total_msg_count_root: 0,
    policy_id: null,
    last_root_post_at: at,
    banner_info: null,
    policy_enforced: false,
    policy_actions: null,
    policy_is_active: false,
    default_category_name: "",
    managed_category_name: "",
    discoverable: false,
    ...fields,
  };
}

export const channelJson = (channel: ChannelRecord) => encode(CHANNEL, channel);

/** model.ChannelWithTeamData (channel.go): the channel's fields, then its team's names (getAllChannels). */
export function channelWithTeamJson(
  channel: ChannelRecord,
  team: { display_name: string; name: string; update_at: number } | undefined,
): Record<string, unknown> {
  return {
    ...encode(CHANNEL, channel),
    team_display_name: team?.display_name ?? "",
    team_name: team?.name ?? "",
    team_update_at: team?.update_at ?? 0,
  };
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
  notify_props: Record<string, string> | null;
  last_update_at: number;
  scheme_guest: boolean;
  scheme_user: boolean;
  scheme_admin: boolean;
  explicit_roles: string;
}

export const CHANNEL_MEMBER = goShape<ChannelMemberRecord>(
  "ChannelMember",
  "channel_member.go",
  "04df596ca49e4c680e3b58f0c4a52cd37ba26d78",
  [
    "channel_id",
    "user_id",
    "roles",
    "last_viewed_at",
    "msg_count",
    "mention_count",
    "mention_count_root",
    "urgent_mention_count",
    "msg_count_root",
    "notify_props",
    "last_update_at",
    "scheme_guest",
    "scheme_user",
    "scheme_admin",
    "explicit_roles",
  ],
);

export function newChannelMember(channelId: string, userId: string, admin: boolean, at: number): ChannelMemberRecord {
  return {
    channel_id: channelId,
    user_id: userId,
    roles: admin ? "channel_user channel_admin" : "channel_user",
    last_viewed_at: at,
    msg_count: 0,
    mention_count: 0,
    mention_count_root: 0,
    urgent_mention_count: 0,
    msg_count_root: 0,
    // GetDefaultChannelNotifyProps (channel_member.go).
    notify_props: {
      channel_auto_follow_threads: "off",
      desktop: "default",
      email: "default",
      ignore_channel_mentions: "default",
      mark_unread: "all",
      push: "default",
    },
    last_update_at: at,
    scheme_guest: false,
    scheme_user: true,
    scheme_admin: admin,
    explicit_roles: "",
  };
}

export const channelMemberJson = (member: ChannelMemberRecord) => encode(CHANNEL_MEMBER, member);
