/**
 * What the event stream persists so that every post is delivered once across reconnects, expiry and restarts, and
 * the interface a store of it implements (a file, Redis, a database row...).
 */

/** Where a channel's delivery stands: the last post delivered and acknowledged, by (create_at, id). */
export interface ChannelPosition {
  post_id: string;
  create_at: number;
}

export interface CheckpointState {
  version: 1;
  /** Per channel id: the last post delivered and acknowledged, in creation order. */
  channels: Record<string, ChannelPosition>;
  /** Post ids handled most recently (a bounded dedupe window, oldest first), so a restart repeats none of them. */
  recent: string[];
  /** When the stream was last known complete (server ms): catch-up starts here for channels with no position. */
  since: number;
}

export interface CheckpointStore {
  /** The stored state; undefined when nothing was stored yet. Throws a CheckpointError when what is stored is bad. */
  load(): Promise<CheckpointState | undefined>;
  /** Stores the state atomically: after a crash, load() returns this state or the one saved before it. */
  save(state: CheckpointState): Promise<void>;
  /** Releases what the store holds (a lock, a connection). */
  close?(): Promise<void>;
}

/** The most channels a state may hold (about 80 bytes each once stored). */
export const MAX_CHANNELS = 100_000;
/** The largest dedupe window a state may hold (about 29 bytes per id once stored). */
export const MAX_RECENT = 100_000;
/** The dedupe window a tracker keeps unless told otherwise. */
export const DEFAULT_RECENT = 10_000;
/** The largest stored checkpoint read or written: the limits above fit in about 11 MB. */
export const MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;
