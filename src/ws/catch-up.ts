/**
 * Catch-up after lost events: the posts created in the lost window, in every channel of the user, fetched over REST
 * and shaped as `posted` events (with `recovered: true`), oldest first.
 */
import { MatterapiError } from "../core/errors.js";
import type { Channel, Post, PostList, Team } from "../generated/models/index.js";
import type { EventData, ServerEvent } from "./events.js";
import type { StreamHost } from "./options.js";

export async function fetchMissedPosts(host: StreamHost, since: number): Promise<ServerEvent<"posted">[]> {
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
    if (channel.last_post_at < since) continue;
    const list = await host.request<PostList>("GET", "/api/v4/channels/{channel_id}/posts", {
      params: { channel_id: channel.id },
      query: { since },
    });
    for (const id of list.order) {
      const post = list.posts[id];
      if (post && post.create_at >= since && post.delete_at === 0) recovered.push({ post, channel });
    }
  }
  recovered.sort((a, b) => a.post.create_at - b.post.create_at);
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

export interface CatchUpHooks {
  /** Whether the stream delivered this post already. */
  seen(id: string): boolean;
  notePost(post: Post): void;
  deliver(event: ServerEvent): void;
  fail(error: Error): void;
}

/** One catch-up at a time: live events that arrive meanwhile wait, and those it recovered are not repeated. */
export class CatchUp {
  #running = false;
  #buffered: ServerEvent[] = [];

  get running(): boolean {
    return this.#running;
  }

  buffer(event: ServerEvent): void {
    this.#buffered.push(event);
  }

  async run(host: StreamHost, since: number, hooks: CatchUpHooks): Promise<void> {
    this.#running = true;
    const recovered = new Set<string>();
    try {
      for (const event of await fetchMissedPosts(host, since)) {
        const post = event.data.post;
        if (hooks.seen(post.id)) continue;
        recovered.add(post.id);
        hooks.notePost(post);
        hooks.deliver(event);
      }
    } catch (error) {
      const message = `catching up after lost events failed: ${error instanceof Error ? error.message : String(error)}`;
      hooks.fail(new MatterapiError(message, { cause: error }));
    } finally {
      this.#running = false;
      const buffered = this.#buffered;
      this.#buffered = [];
      for (const event of buffered) {
        const post = event.event === "posted" ? (event.data as unknown as EventData<"posted">).post : undefined;
        if (post && typeof post === "object" && recovered.has(post.id)) continue;
        hooks.deliver(event);
      }
    }
  }
}
