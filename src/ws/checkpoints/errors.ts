import { MatterapiError } from "../../core/errors.js";

/** What to do about a checkpoint that cannot be read: said in every error about a stored checkpoint. */
export const RECOVERY_HINT =
  "to recover, delete it: the stream then starts from now, and posts created while it was stopped are not caught up";

/**
 * A checkpoint could not be read, checked or stored. `location` names the file (or key) concerned when there is one;
 * the message says what was wrong and, for a bad stored checkpoint, how to recover. Never reset silently.
 */
export class CheckpointError extends MatterapiError {
  override name = "CheckpointError";
  readonly location: string | undefined;
  constructor(message: string, options?: { location?: string | undefined; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.location = options?.location;
  }
}
