/**
 * Checkpoints of the event stream. file-store.ts (and so this index) needs Node's fs; a browser build imports
 * tracker.js, memory-store.js, validate.js and types.js directly.
 */
export { CheckpointError, RECOVERY_HINT } from "./errors.js";
export { decodeCheckpoint, encodeCheckpoint, FORMAT_VERSION } from "./file-format.js";
export { FileCheckpointStore, type FileCheckpointStoreOptions } from "./file-store.js";
export { MemoryCheckpointStore } from "./memory-store.js";
export {
  type AcknowledgedPost,
  CheckpointTracker,
  type CheckpointTrackerOptions,
  comparePositions,
} from "./tracker.js";
export {
  type ChannelPosition,
  type CheckpointState,
  type CheckpointStore,
  DEFAULT_RECENT,
  MAX_CHANNELS,
  MAX_CHECKPOINT_BYTES,
  MAX_RECENT,
} from "./types.js";
export { isPostOrChannelId, isServerTime, validateCheckpointState } from "./validate.js";
export type { WriteBehindOptions } from "./write-behind.js";
