/**
 * A lock file beside the checkpoint (`<file>.lock`) so that two processes, or two stores in one process, do not
 * write one checkpoint by mistake: each would overwrite the other's positions and posts would repeat or be skipped.
 * The lock holds the owner's pid and host; one left by a process that died (kill -9, power loss) is taken over.
 */
import { nodeBuiltin } from "../../core/node-builtins.js";
import { CheckpointError } from "./errors.js";

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

/** Locks held by this process, by lock path: a second store on the same file here is refused too. */
const heldHere = new Set<string>();

/** Whether a process with this pid exists (on this host). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const text = await nodeBuiltin("node:fs/promises").readFile(lockPath, { encoding: "utf8", flag: "r" });
    if (text.length > 1024) return undefined;
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isSafeInteger(value.pid) && typeof value.host === "string" && typeof value.token === "string") {
      return value as LockOwner;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw error;
  }
  return undefined;
}

export class FileLock {
  private constructor(
    readonly path: string,
    private readonly owner: LockOwner,
  ) {}

  /** Takes the lock at `lockPath` for `checkpointPath`, or throws a CheckpointError saying who holds it. */
  static async acquire(lockPath: string, checkpointPath: string): Promise<FileLock> {
    const owner: LockOwner = {
      pid: process.pid,
      host: nodeBuiltin("node:os").hostname(),
      token: nodeBuiltin("node:crypto").randomBytes(8).toString("hex"),
    };
    const refuse = (who: string) =>
      new CheckpointError(
        `checkpoint file ${checkpointPath} is in use by ${who} (lock file ${lockPath}); two streams must not share ` +
          `one checkpoint: give each its own file, or if that process is gone, delete the lock file`,
        { location: checkpointPath },
      );
    if (heldHere.has(lockPath)) throw refuse("another store in this process");
    // Reserved before the first await, so that two stores opening the same file at once here cannot both see
    // the other's lock as a stale one with this pid.
    heldHere.add(lockPath);
    try {
      return await FileLock.take(lockPath, owner, refuse);
    } catch (error) {
      heldHere.delete(lockPath);
      throw error;
    }
  }

  private static async take(
    lockPath: string,
    owner: LockOwner,
    refuse: (who: string) => CheckpointError,
  ): Promise<FileLock> {
    const { link, open, unlink } = nodeBuiltin("node:fs/promises");
    for (let attempt = 0; attempt < 3; attempt++) {
      // The lock's content is written before it exists under its name (link is atomic and fails if the name is
      // taken), so a reader never sees a half-written lock.
      const draft = `${lockPath}.${owner.token}.${attempt}.new`;
      const handle = await open(draft, "wx", 0o600);
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      try {
        await link(draft, lockPath);
        return new FileLock(lockPath, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          throw new CheckpointError(`cannot create the lock file ${lockPath}: ${(error as Error).message}`, {
            location: lockPath,
            cause: error,
          });
        }
      } finally {
        await unlink(draft).catch(() => {});
      }
      let holder: LockOwner | undefined;
      try {
        holder = await readOwner(lockPath);
      } catch {
        continue; // removed meanwhile: try again
      }
      if (holder && holder.host !== owner.host) throw refuse(`process ${holder.pid} on host ${holder.host}`);
      // Our own pid in a lock this process does not hold: left by an earlier run that had the same pid (pid 1 in a
      // container), so stale like any other dead owner's. A lock we cannot parse was not written by us: stale too.
      if (holder && holder.pid !== process.pid && processAlive(holder.pid)) throw refuse(`process ${holder.pid}`);
      await unlink(lockPath).catch(() => {});
    }
    throw refuse("another process (the lock changed hands while this one tried to take it)");
  }

  /** Releases the lock if it is still ours. */
  async release(): Promise<void> {
    heldHere.delete(this.path);
    try {
      const holder = await readOwner(this.path);
      if (holder?.token === this.owner.token) await nodeBuiltin("node:fs/promises").unlink(this.path);
    } catch {
      // Gone already: nothing to release.
    }
  }
}
