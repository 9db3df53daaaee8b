/**
 * Catch-up after lost events: the posts created in a lost window, in every channel of the user, fetched over REST
 * and shaped as `posted` events (with `recovered: true`).
 *
 * Why not `GET /channels/{id}/posts?since=`: the server answers `UpdateAt > since` (edits and deletions of older
 * posts come back too), caps the answer at 1,000 rows taken before sorting (a larger gap silently loses the rest),
 * and a post made in the same millisecond as `since` never matches. Instead each channel is read newest first by post
 * id cursor (`before=`) until the walk passes the window's start; the server's `before` compares `CreateAt <` the
 * cursor's (sqlstore/post_store.go getPostsAround, commit 0000f1d00fb6283ee87624c5b91e7ea4ab37206b), so the cursor is
 * chosen so that the posts of the page's oldest millisecond come again, and duplicates are dropped by id.
 */
import { MatterapiError } from "../core/errors.js";
import type { Channel, Post, PostList, Team } from "../generated/models/index.js";
import type { ServerEvent } from "./events.js";
import type { StreamHost } from "./options.js";

/** Where a channel was: its newest post delivered. */
export interface PostPosition {
  post_id: string;
  create_at: number;
}

/** A lost window: posts created at or after `since` may be lost, or, per channel, those after a known position. */
export interface LostWindow {
  since: number;
  positions?: ReadonlyMap<string, PostPosition> | undefined;
}

const PAGE = 200;
/** The server's largest per_page for post lists (sqlstore GetPosts). */
const MAX_PAGE = 1000;

type Request = StreamHost["request"];

/** A channel's posts created at or after `from`, newest first, each once. */
export async function channelPostsSince(request: Request, channelId: string, from: number): Promise<Post[]> {
  const found = new Map<string, Post>();
  let cursor: string | undefined;
  let perPage = PAGE;
  for (;;) {
    const query: Record<string, string | number> = { per_page: perPage };
    if (cursor) query.before = cursor;
    else query.page = 0;
    const list = await request<PostList>("GET", "/api/v4/channels/{channel_id}/posts", {
      params: { channel_id: channelId },
      query,
    });
    // `order` holds the page; `posts` may also carry thread roots outside it (non-collapsed threads).
    const page: Post[] = [];
    for (const id of list.order) {
      const post = list.posts[id];
      if (post && typeof post.create_at === "number") page.push(post);
    }
    for (const post of page) if (post.create_at >= from && post.delete_at === 0) found.set(post.id, post);
    if (page.length < perPage) break; // the channel's first post
    let oldest = Number.POSITIVE_INFINITY;
    for (const post of page) oldest = Math.min(oldest, post.create_at);
    if (oldest < from) break; // walked past the window
    // The oldest post of a newer millisecond: `before` it brings back the whole oldest millisecond of this page.
    let next: Post | undefined;
    for (const post of page) if (post.create_at > oldest && (!next || post.create_at < next.create_at)) next = post;
    if (!next) {
      // The whole page is one millisecond: ask for a larger page from the same place.
      if (perPage >= MAX_PAGE)
        throw new MatterapiError(
          `channel ${channelId} has more than ${MAX_PAGE} posts in one millisecond (${oldest}); they cannot be paged`,
        );
      perPage = Math.min(MAX_PAGE, perPage * 5);
      continue;
    }
    cursor = next.id;
  }
  return [...found.values()];
}

/** The posts created in the window in every channel of the user (oldest first, each once) as `posted` events. */
export async function fetchLostPosts(host: StreamHost, window: LostWindow): Promise<ServerEvent<"posted">[]> {
  const teams = await host.request<Team[]>("GET", "/api/v4/users/me/teams");
  const channels = new Map<string, Channel>();
  for (const team of teams) {
    const list = await host.request<Channel[]>("GET", "/api/v4/users/me/teams/{team_id}/channels", {
      params: { team_id: team.id },
    });
    for (const channel of list) channels.set(channel.id, channel);
  }
  const recovered: { post: Post; channel: Channel }[] = [];
  for (const channel of channels.values()) {
    // Inclusive: posts of the same millisecond as the last one seen may be new (those delivered are dropped by id).
    const from = window.positions?.get(channel.id)?.create_at ?? window.since;
    if (channel.last_post_at < from) continue;
    for (const post of await channelPostsSince(host.request.bind(host), channel.id, from))
      recovered.push({ post, channel });
  }
  recovered.sort((a, b) => comparePosts(a.post, b.post));
  return recovered.map(({ post, channel }) => ({
    event: "posted",
    data: {
      post,
      channel_display_name: channel.display_name,
      channel_name: channel.name,
      channel_type: channel.type,
      sender_name: "",
      team_id: channel.team_id,
    },
    broadcast: { omit_users: null, user_id: "", channel_id: channel.id, team_id: "" },
    recovered: true,
  }));
}

/** Creation order: time, then id (the order the server's lists use within a millisecond is unspecified). */
export function comparePosts(a: Pick<Post, "create_at" | "id">, b: Pick<Post, "create_at" | "id">): number {
  return a.create_at - b.create_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
