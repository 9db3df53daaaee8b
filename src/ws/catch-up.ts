/**
 * Catch-up after lost events: the posts created in a lost window, in every channel of the user, fetched over REST
 * and shaped as `posted` events (with `recovered: true`).
 *
 * Why not `GET /channels/{id}/posts?since=`: the server answers `UpdateAt > since` (edits and deletions of older
 * posts come back too), caps the answer at 1,000 rows taken before sorting (a larger gap silently loses the rest),
 * and a post made in the same millisecond as `since` never matches. Instead each channel is read newest first by post
 * id cursor (`before=`, core/post-cursor.ts, which keeps the server's strict CreateAt comparison from skipping posts
 * of one millisecond) until the walk passes the window's start.
 */
import { POST_PAGE_MAX, walkPostsBefore } from "../core/post-cursor.js";
import type { Channel, Post, PostList, Team } from "../generated/models/index.js";
import type { ChannelPosition } from "./checkpoints/types.js";
import type { ServerEvent } from "./events.js";
import type { StreamHost } from "./options.js";

/** A lost window: posts created at or after `since` may be lost, or, per channel, those after a known position. */
export interface LostWindow {
  since: number;
  positions?: ReadonlyMap<string, ChannelPosition> | undefined;
}

type Request = StreamHost["request"];

/** A channel's posts created at or after `from`, newest first, each once (the walk is core/post-cursor.ts's). */
export async function channelPostsSince(request: Request, channelId: string, from: number): Promise<Post[]> {
  const found: Post[] = [];
  const fetchPage = (query: Record<string, unknown>) =>
    request<PostList>("GET", "/api/v4/channels/{channel_id}/posts", {
      params: { channel_id: channelId },
      query: query as Record<string, string | number>,
    });
  const walk = walkPostsBefore(`catching up channel ${channelId}`, { page: 0 }, POST_PAGE_MAX, fetchPage);
  for await (const stamp of walk) {
    const post = stamp as Post;
    if (post.create_at < from) break; // newest first: the rest is older than the window
    if (post.delete_at === 0) found.push(post);
  }
  return found;
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
