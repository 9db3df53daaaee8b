/** Posts, threads and reactions (api4/post.go, api4/reaction.go), with the events they cause. */
import { Errors } from "../app-error.js";
import {
  channelParam,
  type Env,
  intQuery,
  isAdmin,
  ok,
  paging,
  requireChannelAccess,
  requireString,
  userParam,
} from "../env.js";
import { isValidId } from "../ids.js";
import { fileInfoJson, postListJson, reactionJson } from "../records/posts.js";
import type { Context, Router } from "../router.js";
import type { ChannelRecord, PostRecord, ReactionRecord, UserRecord } from "../store.js";
import { onPostCreated } from "./integrations.js";

function postParam(ctx: Context, env: Env): PostRecord {
  const id = ctx.params.post_id;
  if (!isValidId(id)) throw Errors.invalidUrlParam("post_id");
  const post = env.store.posts.get(id);
  if (post?.delete_at !== 0) throw Errors.postMissing();
  return post;
}

function requireAuthorOrAdmin(me: UserRecord, post: PostRecord, permission: string): void {
  if (post.user_id !== me.id && !isAdmin(me)) throw Errors.permissions(permission);
}

/** sqlstore/post_store.go GetPostsSince: the most rows a `since` query returns. */
const SINCE_LIMIT = 1000;

/** The post as the API shows it: with its files and reactions in metadata (app/post_metadata.go). */
const view = (env: Env, post: PostRecord) => env.store.postJson(post);

export function registerPosts(router: Router, env: Env): void {
  const { store } = env;

  router.add("POST", "/api/v4/posts", "CreatePost", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<PostRecord>>("post");
    const channelId = requireString(body.channel_id, "channel_id");
    const channel = store.channels.get(channelId);
    if (channel?.delete_at !== 0) throw Errors.channelMissing();
    if (!store.isChannelMember(channel.id, me.id) && !isAdmin(me)) throw Errors.permissions("create_post");
    const rootId = body.root_id ?? "";
    if (rootId) {
      const root = store.posts.get(rootId);
      if (!root || root.channel_id !== channel.id || root.delete_at !== 0) throw Errors.invalidBodyParam("root_id");
    }
    const fileIds = Array.isArray(body.file_ids) ? body.file_ids.map(String) : [];
    for (const id of fileIds) {
      const file = store.files.get(id);
      // app/post.go attachFilesToPost: only the poster's unattached files of this channel.
      if (!file || file.info.user_id !== me.id || file.info.channel_id !== channel.id || file.info.post_id) {
        throw Errors.invalidBodyParam("file_ids");
      }
    }
    const message = typeof body.message === "string" ? body.message : "";
    const post = store.createPost({
      user_id: me.id,
      channel_id: channel.id,
      root_id: rootId,
      message,
      props: body.props && typeof body.props === "object" ? body.props : {},
      hashtags: (message.match(/#[A-Za-z][\w-]*/g) ?? []).join(" "),
      file_ids: fileIds,
      pending_post_id: typeof body.pending_post_id === "string" ? body.pending_post_id : "",
    });
    for (const id of fileIds) {
      const file = store.files.get(id);
      if (file) file.info.post_id = post.id;
    }
    onPostCreated(env, post);
    const team = store.teams.get(channel.team_id);
    const mentioned = new Set(
      [...(post.message.match(/@([a-z0-9.\-_]+)/g) ?? [])].map((m) => store.userByName(m.slice(1))?.id).filter(Boolean),
    );
    // app/notification.go: `posted` carries the post JSON-encoded, and `mentions` (also JSON-encoded) only for a
    // receiver who is mentioned, holding just that receiver's id.
    env.publish(
      "posted",
      {
        channel_display_name: channel.display_name,
        channel_name: channel.name,
        channel_type: channel.type,
        post: JSON.stringify(view(env, post)),
        sender_name: `@${me.username}`,
        set_online: true,
        team_id: team?.id ?? "",
        ...(fileIds.length > 0 ? { otherFile: "true" } : {}),
        ...(fileIds.some((id) => store.files.get(id)?.info.mime_type.startsWith("image/")) ? { image: "true" } : {}),
      },
      { channel_id: channel.id },
      (userId, data) => (mentioned.has(userId) ? { ...data, mentions: JSON.stringify([userId]) } : data),
    );
    return { status: 201, json: view(env, post) };
  });

  router.add("GET", "/api/v4/posts/{post_id}", "GetPost", (ctx) => {
    const post = postParam(ctx, env);
    requireChannelAccess(ctx, env, store.channels.get(post.channel_id) as ChannelRecord);
    return { json: view(env, post) };
  });

  // api4/post.go getPostsForChannel: newest first; page/per_page, or before/after a post, or since a time.
  router.add("GET", "/api/v4/channels/{channel_id}/posts", "GetPostsForChannel", (ctx) => {
    const channel = channelParam(ctx, env);
    requireChannelAccess(ctx, env, channel);
    const includeDeleted = ctx.query.get("include_deleted") === "true";
    const all = [...store.posts.values()]
      .filter((p) => p.channel_id === channel.id && (includeDeleted || p.delete_at === 0))
      .sort((a, b) => b.create_at - a.create_at);
    const since = ctx.query.get("since");
    if (since) {
      // sqlstore/post_store.go GetPostsSince (commit 0000f1d00fb6): `UpdateAt > since` whatever DeleteAt (edits and
      // deletions of older posts come back too), at most 1,000 rows taken in storage order before sorting, so a
      // larger gap silently loses the rest.
      const time = intQuery(ctx, "since", 0);
      const changed = [...store.posts.values()]
        .filter((p) => p.channel_id === channel.id && p.update_at > time)
        .slice(0, SINCE_LIMIT)
        .sort((a, b) => b.create_at - a.create_at);
      return { json: postList(env, changed, { next: "", prev: "", hasNext: null }) };
    }
    const { page, perPage } = paging(ctx);
    const before = ctx.query.get("before");
    const after = ctx.query.get("after");
    let window = all;
    if (before || after) {
      // sqlstore/post_store.go getPostsAround (commit 0000f1d00fb6283ee87624c5b91e7ea4ab37206b): `CreateAt <` (or `>`)
      // the cursor post's CreateAt, strictly, so posts sharing its millisecond are in neither direction; the cursor is
      // looked up by id alone (deleted or in another channel still counts), and an id that names no post matches
      // nothing. api4/post.go refuses only an id of the wrong form.
      const cursorId = (before ?? after) as string;
      if (!isValidId(cursorId)) throw Errors.invalidUrlParam(before ? "before" : "after");
      const at = store.posts.get(cursorId)?.create_at;
      window =
        at === undefined
          ? []
          : before
            ? all.filter((p) => p.create_at < at)
            : all.filter((p) => p.create_at > at).reverse();
    }
    const pageItems = window.slice(page * perPage, (page + 1) * perPage);
    const ordered = after ? pageItems.reverse() : pageItems;
    // app/post.go AddCursorIdsForPostList: the post just newer than the page, and the one just older.
    const next = ordered.length > 0 ? (all[all.indexOf(ordered[0]) - 1]?.id ?? "") : "";
    const prev = ordered.length > 0 ? (all[all.indexOf(ordered[ordered.length - 1]) + 1]?.id ?? "") : "";
    return { json: postList(env, ordered, { next, prev, hasNext: next !== "" }) };
  });

  router.add("GET", "/api/v4/posts/{post_id}/thread", "GetPostThread", (ctx) => {
    const post = postParam(ctx, env);
    requireChannelAccess(ctx, env, store.channels.get(post.channel_id) as ChannelRecord);
    const rootId = post.root_id || post.id;
    const thread = [...store.posts.values()]
      .filter((p) => (p.id === rootId || p.root_id === rootId) && p.delete_at === 0)
      .sort((a, b) => b.create_at - a.create_at);
    // A thread is not paged: has_next is nil and left out.
    return { json: postList(env, thread, { next: "", prev: "", hasNext: null }) };
  });

  const edit = (ctx: Context, changes: Partial<PostRecord>, permission: string) => {
    const me = ctx.me();
    const post = postParam(ctx, env);
    requireAuthorOrAdmin(me, post, permission);
    const at = store.now();
    if (changes.message !== undefined && changes.message !== post.message) post.edit_at = at;
    Object.assign(post, changes, { update_at: at });
    env.publish("post_edited", { post: JSON.stringify(view(env, post)) }, { channel_id: post.channel_id });
    return { json: view(env, post) };
  };

  router.add("PUT", "/api/v4/posts/{post_id}", "UpdatePost", (ctx) => {
    const body = ctx.json<Partial<PostRecord>>("post");
    if (body.id !== undefined && body.id !== ctx.params.post_id) throw Errors.invalidBodyParam("id");
    return edit(
      ctx,
      { message: requireString(body.message, "message"), ...(body.props ? { props: body.props } : {}) },
      "edit_post",
    );
  });

  router.add("PUT", "/api/v4/posts/{post_id}/patch", "PatchPost", (ctx) => {
    const body = ctx.json<Partial<PostRecord>>("post");
    const changes: Partial<PostRecord> = {};
    if (typeof body.message === "string") changes.message = body.message;
    if (typeof body.is_pinned === "boolean") changes.is_pinned = body.is_pinned;
    if (body.props && typeof body.props === "object") changes.props = body.props;
    return edit(ctx, changes, "edit_post");
  });

  router.add("DELETE", "/api/v4/posts/{post_id}", "DeletePost", (ctx) => {
    const me = ctx.me();
    const post = postParam(ctx, env);
    requireAuthorOrAdmin(me, post, "delete_post");
    const at = store.now();
    for (const p of store.posts.values()) {
      if (p.id === post.id || p.root_id === post.id) {
        p.delete_at = at;
        p.update_at = at;
      }
    }
    // app/post.go DeletePost: two copies, delete_by only in the one for admins.
    env.publish(
      "post_deleted",
      { post: JSON.stringify(view(env, post)) },
      { channel_id: post.channel_id },
      (userId, data) => {
        const receiver = store.users.get(userId);
        return receiver && isAdmin(receiver) ? { ...data, delete_by: me.id } : data;
      },
    );
    return ok();
  });

  router.add("GET", "/api/v4/posts/{post_id}/files/info", "GetFileInfosForPost", (ctx) => {
    const post = postParam(ctx, env);
    requireChannelAccess(ctx, env, store.channels.get(post.channel_id) as ChannelRecord);
    const infos = (post.file_ids ?? []).map((id) => store.files.get(id)?.info).filter((f) => f !== undefined);
    return { json: infos.map(fileInfoJson) };
  });

  // Reactions (api4/reaction.go).
  router.add("POST", "/api/v4/reactions", "SaveReaction", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<ReactionRecord>>("reaction");
    if (body.user_id !== me.id) throw Errors.reactionOtherUser();
    const post = store.posts.get(requireString(body.post_id, "post_id"));
    if (post?.delete_at !== 0) throw Errors.postMissing();
    const channel = store.channels.get(post.channel_id) as ChannelRecord;
    requireChannelAccess(ctx, env, channel);
    const emoji = typeof body.emoji_name === "string" ? body.emoji_name : "";
    if (!/^[a-zA-Z0-9_+-]{1,64}$/.test(emoji)) throw Errors.reactionInvalid();
    const reaction = store.addReaction({ user_id: me.id, post_id: post.id, emoji_name: emoji, channel_id: channel.id });
    env.publish("reaction_added", { reaction: JSON.stringify(reactionJson(reaction)) }, { channel_id: channel.id });
    return { json: reactionJson(reaction) };
  });

  router.add("GET", "/api/v4/posts/{post_id}/reactions", "GetReactions", (ctx) => {
    const post = postParam(ctx, env);
    requireChannelAccess(ctx, env, store.channels.get(post.channel_id) as ChannelRecord);
    return { json: [...store.reactions.values()].filter((r) => r.post_id === post.id).map(reactionJson) };
  });

  router.add("DELETE", "/api/v4/users/{user_id}/posts/{post_id}/reactions/{emoji_name}", "DeleteReaction", (ctx) => {
    const me = ctx.me();
    const user = userParam(ctx, env);
    if (user.id !== me.id && !isAdmin(me)) throw Errors.permissions("remove_others_reactions");
    const post = postParam(ctx, env);
    const key = `${post.id}:${user.id}:${ctx.params.emoji_name}`;
    const reaction = store.reactions.get(key);
    if (!reaction) throw Errors.reactionMissing();
    store.reactions.delete(key);
    env.publish(
      "reaction_removed",
      { reaction: JSON.stringify(reactionJson(reaction)) },
      { channel_id: post.channel_id },
    );
    return ok();
  });

  // The posts report (api4/report.go getPostsForReporting): system admins only; an opaque cursor in the body that
  // carries the first request's options, which win over the body's on later pages.
  router.add("POST", "/api/v4/reports/posts", "GetPostsForReporting", (ctx) => {
    if (!isAdmin(ctx.me())) throw Errors.permissions("manage_system");
    const body = ctx.json<ReportRequest>("body");
    if (typeof body !== "object" || body === null) throw Errors.invalidBodyParam("body");
    if (!isValidId(body.channel_id)) {
      throw Errors.invalidBodyParam("channel_id");
    }
    const channel = store.channels.get(body.channel_id);
    if (!channel) throw Errors.reportChannelMissing(`channel_id=${body.channel_id}`);
    const perPage = typeof body.per_page === "number" && body.per_page > 0 ? Math.floor(body.per_page) : 100;
    if (perPage > 1000) throw Errors.reportPerPage("Maximum per_page is 1000");
    const query = body.cursor ? decodeReportCursor(body.cursor) : reportQuery(body);
    const sign = query.sort_direction === "desc" ? -1 : 1;
    const field = query.time_field;
    const after = (p: PostRecord) =>
      query.at === undefined ||
      sign * (p[field] - query.at) > 0 ||
      (p[field] === query.at && sign * p.id.localeCompare(query.id ?? "") > 0);
    const matching = [...store.posts.values()]
      .filter((p) => p.channel_id === channel.id && (query.include_deleted || p.delete_at === 0))
      .filter((p) => !(query.exclude_system_posts && p.type.startsWith("system_")))
      .filter((p) => query.start === undefined || sign * (p[field] - query.start) >= 0)
      .filter(after)
      .sort((a, b) => sign * (a[field] - b[field] || a.id.localeCompare(b.id)));
    const page = matching.slice(0, perPage);
    const last = page[page.length - 1];
    // Go writes the map with its keys sorted: the page's order is lost on the wire, as from the real server.
    const posts = Object.fromEntries(
      [...page].sort((a, b) => a.id.localeCompare(b.id)).map((p) => [p.id, view(env, p)]),
    );
    const more = matching.length > perPage;
    return {
      json: {
        posts,
        next_cursor: more && last ? { cursor: encodeReportCursor({ ...query, at: last[field], id: last.id }) } : null,
      },
    };
  });
}

interface ReportRequest {
  channel_id?: unknown;
  cursor?: string;
  start_time?: number;
  time_field?: string;
  sort_direction?: string;
  per_page?: number;
  include_deleted?: boolean;
  exclude_system_posts?: boolean;
}

/** What a report cursor carries: the first request's options and the position after the last post sent. */
interface ReportQuery {
  time_field: "create_at" | "update_at";
  sort_direction: "asc" | "desc";
  include_deleted: boolean;
  exclude_system_posts: boolean;
  start?: number;
  at?: number;
  id?: string;
}

function reportQuery(body: ReportRequest): ReportQuery {
  const timeField = body.time_field ?? "create_at";
  if (timeField !== "create_at" && timeField !== "update_at") throw Errors.invalidBodyParam("time_field");
  const direction = body.sort_direction ?? "asc";
  if (direction !== "asc" && direction !== "desc") throw Errors.invalidBodyParam("sort_direction");
  return {
    time_field: timeField,
    sort_direction: direction,
    include_deleted: body.include_deleted === true,
    exclude_system_posts: body.exclude_system_posts === true,
    ...(typeof body.start_time === "number" && body.start_time > 0 ? { start: body.start_time } : {}),
  };
}

function encodeReportCursor(query: ReportQuery): string {
  return Buffer.from(JSON.stringify(query)).toString("base64url");
}

function decodeReportCursor(cursor: string): ReportQuery {
  let query: Partial<ReportQuery> | undefined;
  try {
    query = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // answered below
  }
  const valid =
    typeof query === "object" &&
    query !== null &&
    (query.time_field === "create_at" || query.time_field === "update_at") &&
    (query.sort_direction === "asc" || query.sort_direction === "desc") &&
    typeof query.at === "number" &&
    typeof query.id === "string";
  if (!valid) throw Errors.invalidBodyParam("cursor");
  return query as ReportQuery;
}

/** A PostList: ids in `order`, posts by id, plus the root of any reply whose root is not in the page. */
function postList(env: Env, posts: PostRecord[], cursor: Parameters<typeof postListJson>[2]) {
  const map: Record<string, Record<string, unknown>> = {};
  for (const post of posts) {
    map[post.id] = view(env, post);
    const root = post.root_id ? env.store.posts.get(post.root_id) : undefined;
    if (root && !map[root.id]) map[root.id] = view(env, root);
  }
  return postListJson(
    posts.map((p) => p.id),
    map,
    cursor,
  );
}
