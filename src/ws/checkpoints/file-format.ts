/**
 * The checkpoint file's bytes: one header line carrying the format version, the SHA-256 and the length of the body,
 * then the state as JSON and a newline. The checksum turns a torn, truncated or altered file into a clear error
 * instead of a state that silently skips or repeats posts.
 *
 *   matterapi-checkpoint v1 sha256:<64 hex digits> bytes:<length of the JSON>
 *   {"version":1,"channels":{...},"recent":[...],"since":...}
 */
import { nodeBuiltin } from "../../core/node-builtins.js";
import { CheckpointError, RECOVERY_HINT } from "./errors.js";
import type { CheckpointState } from "./types.js";
import { validateCheckpointState } from "./validate.js";

export const FORMAT_VERSION = 1;
const MAGIC = "matterapi-checkpoint";
const HEADER = /^matterapi-checkpoint v1 sha256:([0-9a-f]{64}) bytes:(\d{1,9})$/;
const VERSION = /^matterapi-checkpoint v(\d{1,9}) /;
/** Longer than any valid header line (about 120 bytes). */
const MAX_HEADER = 256;

function sha256(bytes: Uint8Array): string {
  return nodeBuiltin("node:crypto").createHash("sha256").update(bytes).digest("hex");
}

/** The file's bytes for a state (validated: a store never writes what it could not read back). */
export function encodeCheckpoint(state: CheckpointState, maxBytes: number): Buffer {
  const checked = validateCheckpointState(state, "cannot save the checkpoint");
  const body = Buffer.from(JSON.stringify(checked), "utf8");
  const header = Buffer.from(`${MAGIC} v${FORMAT_VERSION} sha256:${sha256(body)} bytes:${body.length}\n`, "latin1");
  const total = header.length + body.length + 1;
  if (total > maxBytes) {
    throw new CheckpointError(`cannot save the checkpoint: it is ${total} bytes, over the limit of ${maxBytes}`);
  }
  return Buffer.concat([header, body, Buffer.from("\n")]);
}

/** The state in a file's bytes; a CheckpointError naming `path`, what is wrong and how to recover otherwise. */
export function decodeCheckpoint(bytes: Buffer, path: string): CheckpointState {
  const fail = (what: string, cause?: unknown): CheckpointError =>
    new CheckpointError(`checkpoint file ${path} ${what}; ${RECOVERY_HINT}`, { location: path, cause });
  if (bytes.length === 0) throw fail("is empty (a write that never completed, or not a checkpoint)");
  const newline = bytes.subarray(0, MAX_HEADER).indexOf(10);
  const headerText = bytes.subarray(0, newline < 0 ? Math.min(bytes.length, MAX_HEADER) : newline).toString("latin1");
  if (!headerText.startsWith(MAGIC)) throw fail("is not a matterapi checkpoint (no matterapi-checkpoint header)");
  const version = VERSION.exec(headerText);
  if (version && Number(version[1]) !== FORMAT_VERSION) {
    throw fail(
      `is in format version ${version[1]}, and this matterapi reads version ${FORMAT_VERSION}` +
        " (written by another matterapi version?)",
    );
  }
  const header = newline < 0 ? null : HEADER.exec(headerText);
  if (!header) throw fail(`has a malformed header line: ${JSON.stringify(headerText.slice(0, 120))}`);
  const [, checksum, announced] = header;
  const body = bytes.subarray(newline + 1);
  const expected = Number(announced) + 1;
  if (body.length < expected) {
    throw fail(`is truncated: its header announces ${expected} bytes after it, and ${body.length} are there`);
  }
  if (body.length > expected) {
    throw fail(`has ${body.length - expected} bytes more than its header announces (corrupt or appended to)`);
  }
  if (body[body.length - 1] !== 10) throw fail("does not end with its newline (corrupt)");
  const json = body.subarray(0, body.length - 1);
  if (sha256(json) !== checksum) throw fail("fails its SHA-256 checksum (a torn write or a corrupted disk)");
  let value: unknown;
  try {
    value = JSON.parse(json.toString("utf8"));
  } catch (error) {
    throw fail(`does not hold valid JSON (${(error as Error).message})`, error);
  }
  return validateCheckpointState(value, `checkpoint file ${path} holds an invalid state`, {
    location: path,
    hint: RECOVERY_HINT,
  });
}
