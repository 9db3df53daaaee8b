/**
 * The models say what the server sends (issue 9): fields the server always writes read without a cast or a `!`,
 * fields it may write as null say so, and values of its enums are known but open. Each list below is the fields the
 * server's struct writes without omitempty that @mattermost/types 10.11.0 also requires (see server-drift.md).
 */
import { describe, expectTypeOf, it } from "vitest";
import type {
  AsyncClient,
  Bot,
  Channel,
  ChannelBookmark,
  ChannelMember,
  Command,
  Emoji,
  FileInfo,
  Group,
  IncomingWebhook,
  Job,
  OAuthApp,
  OutgoingWebhook,
  Post,
  PostEmbed,
  Reaction,
  Role,
  ScheduledPost,
  Scheme,
  Session,
  Team,
  TeamMember,
  User,
  UserAccessToken,
  UserThread,
  UserThreads,
} from "../../src/index.js";

/** The keys of T that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** True when every key of K is a required key of T. */
type AllRequired<T, K extends keyof T> = [K] extends [RequiredKeys<T>]
  ? true
  : { missing: Exclude<K, RequiredKeys<T>> };

declare const client: AsyncClient;

describe("answer models follow the server", () => {
  it("core models require what the server always sends", () => {
    expectTypeOf<
      AllRequired<User, "id" | "username" | "email" | "delete_at" | "roles" | "locale">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Channel, "id" | "team_id" | "type" | "name" | "scheme_id" | "group_constrained" | "last_root_post_at">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<
        ChannelMember,
        "msg_count_root" | "mention_count_root" | "urgent_mention_count" | "scheme_user" | "scheme_admin"
      >
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Team, "id" | "name" | "scheme_id" | "group_constrained" | "company_name">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<TeamMember, "team_id" | "user_id" | "roles" | "scheme_guest" | "scheme_user">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Post, "id" | "channel_id" | "message" | "is_pinned" | "reply_count" | "props">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<UserThread, "id" | "unread_replies" | "unread_mentions" | "participants" | "post">
    >().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<UserThreads, "total" | "threads" | "total_unread_threads">>().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<FileInfo, "id" | "name" | "size" | "mime_type" | "channel_id" | "archived">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Group, "id" | "display_name" | "source" | "remote_id" | "allow_reference">
    >().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<Reaction, "user_id" | "post_id" | "emoji_name" | "create_at">>().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<Emoji, "id" | "creator_id" | "name" | "create_at">>().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<Bot, "user_id" | "username" | "owner_id" | "create_at">>().toEqualTypeOf<true>();
  });

  it("integration models are whole: no `!` to use what the server always sends", () => {
    expectTypeOf<
      AllRequired<IncomingWebhook, "id" | "channel_id" | "team_id" | "display_name" | "channel_locked">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<OutgoingWebhook, "id" | "token" | "trigger_words" | "callback_urls" | "content_type">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Command, "id" | "token" | "trigger" | "method" | "url" | "auto_complete">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Session, "id" | "token" | "user_id" | "expires_at" | "props" | "team_members">
    >().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<Role, "id" | "name" | "permissions" | "scheme_managed" | "built_in">
    >().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<Scheme, "id" | "name" | "scope" | "default_team_admin_role">>().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<Job, "id" | "type" | "status" | "progress" | "data">>().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<OAuthApp, "id" | "name" | "callback_urls" | "is_trusted">>().toEqualTypeOf<true>();
    expectTypeOf<
      AllRequired<ChannelBookmark, "id" | "channel_id" | "owner_id" | "display_name" | "type">
    >().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<ScheduledPost, "id" | "channel_id" | "message" | "scheduled_at">>().toEqualTypeOf<true>();
    expectTypeOf<AllRequired<UserAccessToken, "id" | "user_id" | "description" | "is_active">>().toEqualTypeOf<true>();
  });

  it("a hook's id goes straight into the next call", async () => {
    const hook = await client.webhooks.getIncomingWebhook("h");
    expectTypeOf(client.webhooks.deleteIncomingWebhook).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(hook.id).toEqualTypeOf<string>();
  });

  it("fields the server may write as null say so", () => {
    expectTypeOf<Team["policy_id"]>().toEqualTypeOf<string | null | undefined>();
    // Optional as well: @mattermost/types 10.11.0 does not rely on it, so an older server may leave it out.
    expectTypeOf<Channel["policy_id"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Group["remote_id"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Job["data"]>().toEqualTypeOf<Record<string, unknown> | null>();
    expectTypeOf<User["timezone"]>().toExtend<object | null | undefined>();
    expectTypeOf<null>().toExtend<User["timezone"]>();
  });

  it("thread participants are users; embeds know permalink and boards, and stay open", () => {
    expectTypeOf<NonNullable<UserThread["participants"]>[number]>().toEqualTypeOf<User>();
    expectTypeOf<"permalink">().toExtend<PostEmbed["type"]>();
    expectTypeOf<"boards">().toExtend<PostEmbed["type"]>();
    expectTypeOf<"a-type-from-a-newer-server">().toExtend<PostEmbed["type"]>();
    expectTypeOf<"O">().toExtend<Channel["type"]>();
  });

  it("fields that never arrive are gone", () => {
    expectTypeOf<Post>().not.toHaveProperty("hashtag");
    expectTypeOf<Post>().toHaveProperty("hashtags");
  });

  it("a request that carries a server model needs only what a request needs", () => {
    expectTypeOf(client.reactions.saveReaction).parameter(0).toExtend<object>();
    expectTypeOf({ user_id: "u", post_id: "p", emoji_name: "smile" }).toExtend<
      Parameters<typeof client.reactions.saveReaction>[0]
    >();
  });
});
