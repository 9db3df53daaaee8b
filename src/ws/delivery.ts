/**
 * Delivery: every event the stream hands to its listeners and iterators passes here, so that a post is delivered
 * once, whether it came live or from a catch-up, and in creation order per channel.
 *
 * - A post id delivered before is never delivered again (a bounded window of recent ids).
 * - A loss (the server started over, or the session expired) starts a catch-up. While one runs, live events wait;
 *   when its posts are in, they are merged with the waiting live posts, sorted by creation, and delivered, then the
 *   other waiting events in the order they came. A loss during a catch-up makes the same catch-up go round again
 *   from the earlier of the two starts before anything waiting is released, so overlapping losses never reorder.
 */
import { MatterapiError } from "../core/errors.js";
import type { Post } from "../generated/models/index.js";
import { comparePosts, fetchLostPosts, type LostWindow } from "./catch-up.js";
import { RecentWindow } from "./checkpoints/recent-window.js";
import type { CheckpointTracker } from "./checkpoints/tracker.js";
import type { ChannelPosition } from "./checkpoints/types.js";
import { toError } from "./errors.js";
import type { EventData, ServerEvent } from "./events.js";
import { type StreamHost, timer } from "./options.js";

/** How many recent post ids the stream remembers to recognise a post it delivered. */
export const RECENT_POSTS = 5000;
/** The most live events held while a catch-up runs. */
export const MAX_WAITING = 50_000;
/** Waits before trying a failed catch-up again: doubling from the first, up to the last (ms). */
const RETRY_FIRST = 500;
const RETRY_MAX = 30_000;

export interface DeliveryTarget {
  /** Hands an event to the listeners and iterators. */
  dispatch(event: ServerEvent): void;
  /**
   * The same, resolving when every listener's promise settled and every iterator moved past the event: true when it
   * was handled (no listener rejected, no iterator stopped before reading it).
   */
  dispatchAndWait(event: ServerEvent): Promise<boolean>;
  /** Reports a failure that does not stop the stream. */
  error(error: Error): void;
}

export class Delivery {
  /** The ids delivered last (made with the first: a stream without catch-up never needs it). */
  #deliveredIds: RecentWindow | undefined;
  /** Per channel, the newest post delivered: where a catch-up of that channel starts. */
  #positions: Map<string, ChannelPosition> | undefined;
  #waiting: ServerEvent[] = [];
  /** The earliest start of the losses not yet caught up. */
  #lostSince: number | undefined;
  #catchingUp: Promise<void> | undefined;
  /** Catch-ups failed in a row (their backoff), and how to end the wait early when the stream stops. */
  #failures = 0;
  #wake: (() => void) | undefined;
  #stopped = false;
  /** Non-post events dropped while a catch-up held too many. */
  #dropped = 0;
  /** With checkpoints: what the handlers acknowledge, and the events waiting for the handlers of earlier ones. */
  #tracker: CheckpointTracker | undefined;
  #handling: ServerEvent[] = [];
  #handlingHead = 0;
  #pumping = false;

  constructor(
    private readonly host: StreamHost,
    private readonly target: DeliveryTarget,
    /**
     * Whether a catch-up may run (catchUp, or a checkpoint): only then can a post come twice, and only then are
     * delivered ids and positions kept. Without it, the live path hands events straight on.
     */
    private readonly tracking: boolean,
  ) {}

  get #delivered(): RecentWindow {
    this.#deliveredIds ??= new RecentWindow(RECENT_POSTS);
    return this.#deliveredIds;
  }

  /** Whether a catch-up is running (live events wait meanwhile). */
  get catchingUp(): boolean {
    return this.#catchingUp !== undefined;
  }

  /** Settles when no catch-up is running. */
  idle(): Promise<void> {
    return this.#catchingUp ?? Promise.resolve();
  }

  /**
   * Delivers through a checkpoint from now on: the posts it handled are not delivered again, each channel's catch-up
   * starts at its stored position, and events are handed out one at a time, a post being acknowledged when its
   * listeners' promises resolved and every iterator asked for the next event.
   */
  useCheckpoints(tracker: CheckpointTracker): void {
    this.#tracker = tracker;
    const state = tracker.state();
    for (const id of state.recent) this.#delivered.add(id);
    for (const [channelId, position] of Object.entries(state.channels)) this.#position(channelId, position);
  }

  /** An event from the live stream. */
  live(event: ServerEvent): void {
    if (!this.#catchingUp) {
      this.#deliver(event);
      return;
    }
    if (this.#waiting.length < MAX_WAITING) {
      this.#waiting.push(event);
      return;
    }
    // A catch-up that cannot finish (the REST side is failing) holds live events only up to a bound: a post past it
    // widens the lost window instead (the catch-up fetches it later); another event is dropped, and said so.
    const post = event.event === "posted" ? postOf(event) : undefined;
    if (post) this.#lostSince = Math.min(this.#lostSince ?? post.create_at, post.create_at);
    else if (this.#dropped++ === 0)
      this.target.error(
        new MatterapiError(`${MAX_WAITING} events wait for a catch-up that has not finished; later ones are dropped`),
      );
  }

  /** The stream stopped for good: a catch-up waiting to try again gives up. */
  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  /**
   * Events may be lost from `since` (server time, ms) on: catch up over REST. `positions` (per channel) take
   * precedence over `since` where given, else the positions of the posts delivered so far are used.
   */
  lost(since: number): Promise<void> {
    this.#lostSince = Math.min(this.#lostSince ?? since, since);
    this.#catchingUp ??= this.#catchUp().finally(() => {
      this.#catchingUp = undefined;
    });
    return this.#catchingUp;
  }

  async #catchUp(): Promise<void> {
    while (this.#lostSince !== undefined) {
      const window: LostWindow = { since: this.#lostSince, positions: new Map(this.#positions ?? []) };
      this.#lostSince = undefined;
      let recovered: ServerEvent[] = [];
      try {
        recovered = await fetchLostPosts(this.host, window);
        this.#failures = 0;
      } catch (error) {
        // The window stays lost until a catch-up of it succeeds: try again after a backoff, live events waiting.
        const delay = Math.min(RETRY_FIRST * 2 ** this.#failures++, RETRY_MAX);
        const reason = toError(error).message;
        this.target.error(
          new MatterapiError(`catching up after lost events failed (trying again in ${delay} ms): ${reason}`, {
            cause: error,
          }),
        );
        this.#lostSince = Math.min(this.#lostSince ?? window.since, window.since);
        await new Promise<void>((resolve) => {
          const wait = timer(resolve, delay);
          this.#wake = () => {
            clearTimeout(wait);
            resolve();
          };
        });
        this.#wake = undefined;
        if (this.#stopped) return;
        continue;
      }
      if (this.#lostSince !== undefined) {
        // Another loss while fetching: what was found waits with the live events for the next round's merge.
        this.#waiting.unshift(...recovered);
        continue;
      }
      const waiting = this.#waiting;
      this.#waiting = [];
      const posts = recovered.concat(waiting.filter((event) => event.event === "posted" && postOf(event)));
      posts.sort((a, b) => comparePosts(postOf(a) as Post, postOf(b) as Post));
      for (const event of posts) this.#deliver(event);
      for (const event of waiting) if (!(event.event === "posted" && postOf(event))) this.#deliver(event);
    }
  }

  #deliver(event: ServerEvent): void {
    const post = this.tracking && event.event === "posted" ? postOf(event) : undefined;
    if (post) {
      if (!this.#delivered.add(post.id)) return;
      const channelId = post.channel_id;
      const position = this.#positions?.get(channelId);
      if (!position || position.create_at < post.create_at)
        this.#position(channelId, { post_id: post.id, create_at: post.create_at });
    }
    if (!this.#tracker) {
      this.target.dispatch(event);
      return;
    }
    this.#handling.push(event);
    if (!this.#pumping) void this.#pump(this.#tracker);
  }

  /** Checkpoint mode: one event at a time, each post acknowledged once its handlers are done with it. */
  async #pump(tracker: CheckpointTracker): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#handlingHead < this.#handling.length) {
        const event = this.#handling[this.#handlingHead++] as ServerEvent;
        if (this.#handlingHead > 1024 && this.#handlingHead * 2 > this.#handling.length) {
          this.#handling.splice(0, this.#handlingHead);
          this.#handlingHead = 0;
        }
        const handled = await this.target.dispatchAndWait(event);
        const post = event.event === "posted" ? postOf(event) : undefined;
        if (!post || !handled) continue;
        try {
          tracker.acknowledge(post);
          tracker.setSince(post.create_at);
        } catch (error) {
          this.target.error(toError(error));
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #position(channelId: string, position: ChannelPosition): void {
    this.#positions ??= new Map();
    this.#positions.set(channelId, position);
  }

  /** Events handed out but not yet done with (checkpoint mode). */
  get backlog(): number {
    return this.#handling.length - this.#handlingHead;
  }
}

/** The post of a `posted` event when it has what ordering and dedupe need. */
export function postOf(event: ServerEvent): Post | undefined {
  const post = (event.data as unknown as EventData<"posted">).post as Post | undefined;
  return post && typeof post === "object" && typeof post.id === "string" && typeof post.create_at === "number"
    ? post
    : undefined;
}
