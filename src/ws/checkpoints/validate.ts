/**
 * The strict check of a checkpoint state, run on everything loaded and everything saved, so that a store never
 * writes what it could not read back, and a corrupt or hostile state never reaches the stream.
 */
import { CheckpointError } from "./errors.js";
import { type ChannelPosition, type CheckpointState, MAX_CHANNELS, MAX_RECENT } from "./types.js";

/**
 * Mattermost's ids are 26 letters or digits (model.IsValidId in server/public/model/utils.go at
 * 033bd0c6fdc8bdf51e22c090b66c2c0c2b14c3a2; model.NewId writes lower-case base32). ASCII only here: the ids the
 * server generates are, and anything else in a checkpoint is corruption.
 */
const ID = /^[A-Za-z0-9]{26}$/;

export function isPostOrChannelId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}

/** A server time in ms: a non-negative integer that a double holds exactly. */
export function isServerTime(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

const STATE_KEYS = ["channels", "recent", "since", "version"];
const POSITION_KEYS = ["create_at", "post_id"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

function exactKeys(value: Record<string, unknown>, expected: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!expected.includes(key)) throw new Error(`${where} has an unknown field ${JSON.stringify(key.slice(0, 40))}`);
  }
  for (const key of expected) {
    if (!(key in value)) throw new Error(`${where} lacks the field "${key}"`);
  }
}

function checkPosition(value: unknown, where: string): ChannelPosition {
  if (!isPlainObject(value)) throw new Error(`${where} is ${describe(value)}, not an object`);
  exactKeys(value, POSITION_KEYS, where);
  if (!isPostOrChannelId(value.post_id)) throw new Error(`${where}.post_id is ${describe(value.post_id)}, not an id`);
  if (!isServerTime(value.create_at)) {
    throw new Error(`${where}.create_at is ${describe(value.create_at)}, not a time in ms`);
  }
  return { post_id: value.post_id, create_at: value.create_at };
}

function checkState(value: unknown): CheckpointState {
  if (!isPlainObject(value)) throw new Error(`the state is ${describe(value)}, not an object`);
  exactKeys(value, STATE_KEYS, "the state");
  if (value.version !== 1) throw new Error(`the state's version is ${describe(value.version)}; this matterapi reads 1`);
  if (!isServerTime(value.since)) throw new Error(`since is ${describe(value.since)}, not a time in ms`);
  const { channels, recent } = value;
  if (!isPlainObject(channels)) throw new Error(`channels is ${describe(channels)}, not an object`);
  const channelIds = Object.keys(channels);
  if (channelIds.length > MAX_CHANNELS) {
    throw new Error(`channels holds ${channelIds.length} channels, over the limit of ${MAX_CHANNELS}`);
  }
  const positions: Record<string, ChannelPosition> = {};
  for (const id of channelIds) {
    if (!isPostOrChannelId(id)) throw new Error(`channels has a key that is not a channel id: ${describe(id)}`);
    positions[id] = checkPosition(channels[id], `channels.${id}`);
  }
  if (!Array.isArray(recent)) throw new Error(`recent is ${describe(recent)}, not an array`);
  if (recent.length > MAX_RECENT) throw new Error(`recent holds ${recent.length} ids, over the limit of ${MAX_RECENT}`);
  const seen = new Set<string>();
  for (let i = 0; i < recent.length; i++) {
    const id: unknown = recent[i];
    if (!isPostOrChannelId(id)) throw new Error(`recent[${i}] is ${describe(id)}, not a post id`);
    if (seen.has(id)) throw new Error(`recent holds ${id} twice`);
    seen.add(id);
  }
  return { version: 1, channels: positions, recent: [...(recent as string[])], since: value.since };
}

/** States built valid and frozen by the tracker: checking one again would find nothing, and it cannot change. */
const sealed = new WeakSet<object>();

/**
 * Freezes a state known to be valid (the tracker builds its snapshots from checked parts) and marks it so that
 * stores skip checking it again: for a 10,000-id window the check costs more than the JSON of a save.
 */
export function sealValidState(state: CheckpointState): CheckpointState {
  for (const position of Object.values(state.channels)) Object.freeze(position);
  Object.freeze(state.channels);
  Object.freeze(state.recent);
  sealed.add(Object.freeze(state));
  return state;
}

/**
 * Checks `value` strictly (exact fields, ids, times, limits) and returns a copy that shares nothing with it (or
 * `value` itself when it is a sealed, frozen state from a tracker).
 * Throws a CheckpointError starting with `context` ("checkpoint file x.json", "cannot save the checkpoint").
 */
export function validateCheckpointState(
  value: unknown,
  context: string,
  options?: { location?: string; hint?: string },
): CheckpointState {
  if (typeof value === "object" && value !== null && sealed.has(value)) return value as CheckpointState;
  try {
    return checkState(value);
  } catch (error) {
    const hint = options?.hint ? `; ${options.hint}` : "";
    throw new CheckpointError(`${context}: ${(error as Error).message}${hint}`, { location: options?.location });
  }
}
