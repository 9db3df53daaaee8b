/**
 * What the event stream delivered, in memory: each channel's position (the newest post acknowledged, by
 * (create_at, id), which only moves forward), a bounded window of the post ids handled last (so a replay after a
 * reconnect or a restart repeats none of them), and since when the stream is known complete. With a store, every
 * change is saved behind the stream's back (see write-behind.ts); flush() waits until what was acknowledged is
 * stored.
 */
import { UsageError } from "../../core/errors.js";
import { CheckpointError } from "./errors.js";
import { RecentWindow } from "./recent-window.js";
import {
  type ChannelPosition,
  type CheckpointState,
  type CheckpointStore,
  DEFAULT_RECENT,
  MAX_CHANNELS,
  MAX_RECENT,
} from "./types.js";
import { isPostOrChannelId, isServerTime, sealValidState, validateCheckpointState } from "./validate.js";
import { WriteBehind, type WriteBehindOptions } from "./write-behind.js";

export interface CheckpointTrackerOptions extends WriteBehindOptions {
  /** Where to save; without one the tracker only keeps the state in memory. */
  store?: CheckpointStore;
  /** The state to start from (what `store.load()` returned); default: empty, since 0. */
  initial?: CheckpointState | undefined;
  /** How many post ids the dedupe window keeps (default 10,000; at most 100,000). */
  windowSize?: number;
}

/** The post fields the tracker reads. */
export interface AcknowledgedPost {
  id: string;
  channel_id: string;
  create_at: number;
}

/** Orders two posts by (create_at, id): negative when a comes first. */
export function comparePositions(a: ChannelPosition, b: ChannelPosition): number {
  if (a.create_at !== b.create_at) return a.create_at - b.create_at;
  return a.post_id < b.post_id ? -1 : a.post_id > b.post_id ? 1 : 0;
}

export class CheckpointTracker {
  private readonly channels = new Map<string, ChannelPosition>();
  private readonly window: RecentWindow;
  private since: number;
  private readonly saver: WriteBehind | undefined;
  private readonly store: CheckpointStore | undefined;
  private closed = false;

  /**
   * Loads the store's state and starts tracking from it; the tracker then owns the store (close() closes it). When
   * the load fails (a CheckpointError for a corrupt checkpoint), the store is closed (its lock released) and the
   * error thrown.
   */
  static async open(
    store: CheckpointStore,
    options: Omit<CheckpointTrackerOptions, "store" | "initial"> = {},
  ): Promise<CheckpointTracker> {
    let initial: CheckpointState | undefined;
    try {
      initial = await store.load();
      return new CheckpointTracker({ ...options, store, initial });
    } catch (error) {
      await store.close?.().catch(() => {});
      throw error;
    }
  }

  constructor(options: CheckpointTrackerOptions = {}) {
    const windowSize = options.windowSize ?? DEFAULT_RECENT;
    if (!Number.isSafeInteger(windowSize) || windowSize < 1 || windowSize > MAX_RECENT) {
      throw new UsageError(`windowSize must be an integer from 1 to ${MAX_RECENT}, not ${String(options.windowSize)}`);
    }
    this.window = new RecentWindow(windowSize);
    const initial = options.initial
      ? validateCheckpointState(options.initial, "the initial checkpoint is invalid")
      : undefined;
    this.since = initial?.since ?? 0;
    if (initial) {
      for (const [id, position] of Object.entries(initial.channels)) this.channels.set(id, position);
      // A window smaller than the stored one keeps the newest ids.
      for (const id of initial.recent.slice(-windowSize)) this.window.add(id);
    }
    this.store = options.store;
    this.saver = options.store ? new WriteBehind(options.store, () => this.state(), options) : undefined;
  }

  /** Whether the post was handled recently (it is in the dedupe window). */
  seen(postId: string): boolean {
    return this.window.has(postId);
  }

  /** The channel's position: the newest post acknowledged there, if any. */
  position(channelId: string): ChannelPosition | undefined {
    const position = this.channels.get(channelId);
    return position && { ...position };
  }

  /** When the stream was last known complete (server ms; 0 when never). */
  get completeSince(): number {
    return this.since;
  }

  /**
   * Records a post as delivered: adds it to the window and moves its channel's position forward if it is newer
   * (never back). Returns false, changing nothing, when the post is in the window already (a duplicate).
   * Throws a UsageError for a post whose id, channel id or create_at is not valid (nothing is recorded then).
   */
  acknowledge(post: AcknowledgedPost): boolean {
    this.assertOpen();
    if (!isPostOrChannelId(post?.id))
      throw new UsageError(`acknowledge: the post id is not an id: ${String(post?.id)}`);
    if (!isPostOrChannelId(post.channel_id)) {
      throw new UsageError(`acknowledge: the post's channel_id is not an id: ${String(post.channel_id)}`);
    }
    if (!isServerTime(post.create_at)) {
      throw new UsageError(`acknowledge: the post's create_at is not a time in ms: ${String(post.create_at)}`);
    }
    if (this.window.has(post.id)) return false;
    const current = this.channels.get(post.channel_id);
    const candidate = { post_id: post.id, create_at: post.create_at };
    if (!current && this.channels.size >= MAX_CHANNELS) {
      throw new CheckpointError(`cannot track more than ${MAX_CHANNELS} channels (post ${post.id} is in another one)`);
    }
    this.window.add(post.id);
    if (!current || comparePositions(candidate, current) > 0) this.channels.set(post.channel_id, candidate);
    this.saver?.changed();
    return true;
  }

  /** Moves "complete since" forward to `ms` (server time); an earlier time is ignored. */
  setSince(ms: number): void {
    this.assertOpen();
    if (!isServerTime(ms)) throw new UsageError(`setSince: not a time in ms: ${String(ms)}`);
    if (ms <= this.since) return;
    this.since = ms;
    this.saver?.changed();
  }

  /** A snapshot of the state, as a store saves it: frozen, and not checked again by the stores. */
  state(): CheckpointState {
    const channels: Record<string, ChannelPosition> = {};
    for (const [id, position] of this.channels)
      channels[id] = { post_id: position.post_id, create_at: position.create_at };
    return sealValidState({ version: 1, channels, recent: this.window.list(), since: this.since });
  }

  /** Saves that succeeded and saves attempted (0 without a store). */
  get saveCounts(): { saves: number; attempts: number } {
    return { saves: this.saver?.saves ?? 0, attempts: this.saver?.attempts ?? 0 };
  }

  /**
   * Resolves when everything acknowledged before the call is stored (at once without a store). Rejects with the
   * CheckpointError of the attempt that failed to store it; the tracker keeps retrying, and a later flush() waits
   * for the next attempt.
   */
  flush(): Promise<void> {
    return this.saver?.flush() ?? Promise.resolve();
  }

  /**
   * Stores what is left (one attempt), stops saving and closes the store. Later acknowledgements throw. Rejects
   * when the last save failed (the store is closed anyway).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.saver?.close();
    } finally {
      await this.store?.close?.();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new UsageError("the checkpoint tracker is closed");
  }
}
