/**
 * A checkpoint in a file, written so that it survives kill -9 and power loss at any moment: the new state goes to
 * a temp file in the same folder, which is fsynced, renamed over the checkpoint (atomic on POSIX file systems), and
 * then the folder is fsynced so that the rename itself is on disk. A reader sees the old file or the new one, never
 * a mix; the checksum in the file catches what a broken disk or a copy gone wrong does anyway.
 */
import type { FileHandle } from "node:fs/promises";
import { nodeBuiltin } from "../../core/node-builtins.js";
import { CheckpointError } from "./errors.js";
import { decodeCheckpoint, encodeCheckpoint } from "./file-format.js";
import { FileLock, processAlive } from "./file-lock.js";
import { type CheckpointState, type CheckpointStore, MAX_CHECKPOINT_BYTES } from "./types.js";

export interface FileCheckpointStoreOptions {
  /** The largest checkpoint read or written (bytes, default 16 MiB); a larger file is an error, never read whole. */
  maxBytes?: number;
  /** Take `<file>.lock` so that no other store (here or in another process) uses the file (default true). */
  lock?: boolean;
  /** The file's permissions when created (default 0o600). */
  mode?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Stores open on each path in this process: a temp file of this pid is stale only when no other store writes it. */
const openHere = new Map<string, number>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function ioError(what: string, path: string, error: unknown): CheckpointError {
  if (error instanceof CheckpointError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new CheckpointError(`${what} ${path}: ${code ?? (error as Error).message}`, { location: path, cause: error });
}

export class FileCheckpointStore implements CheckpointStore {
  /** The checkpoint's absolute path. */
  readonly path: string;
  private readonly directory: string;
  private readonly maxBytes: number;
  private readonly mode: number;
  private readonly useLock: boolean;
  private opening: Promise<void> | undefined;
  private lock: FileLock | undefined;
  private closed = false;
  /** The newest state waiting to be written, and everyone waiting for it (or for an older state it replaced). */
  private next: { bytes: Buffer; waiters: Waiter[] } | undefined;
  private writing: Promise<void> | undefined;

  constructor(path: string, options: FileCheckpointStoreOptions = {}) {
    if (typeof path !== "string" || path === "") throw new CheckpointError("FileCheckpointStore needs a file path");
    const maxBytes = options.maxBytes ?? MAX_CHECKPOINT_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1024) {
      throw new CheckpointError(`maxBytes must be an integer of at least 1024, not ${String(maxBytes)}`);
    }
    const { dirname, resolve } = nodeBuiltin("node:path");
    this.path = resolve(path);
    this.directory = dirname(this.path);
    this.maxBytes = maxBytes;
    this.mode = options.mode ?? 0o600;
    this.useLock = options.lock ?? true;
  }

  async load(): Promise<CheckpointState | undefined> {
    await this.ready();
    let handle: FileHandle;
    try {
      handle = await nodeBuiltin("node:fs/promises").open(this.path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw ioError("cannot open checkpoint file", this.path, error);
    }
    try {
      const { size } = await handle.stat();
      if (size > this.maxBytes) throw this.tooLarge(`${size} bytes`);
      // One byte more than the limit is read, so a file that grew since stat() is caught too.
      const buffer = Buffer.alloc(Math.min(size, this.maxBytes) + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > this.maxBytes) throw this.tooLarge("more bytes than that");
      return decodeCheckpoint(buffer.subarray(0, length), this.path);
    } catch (error) {
      throw ioError("cannot read checkpoint file", this.path, error);
    } finally {
      await handle.close().catch(() => {});
    }
  }

  /**
   * Stores `state` (checked and copied at once: changing it afterwards changes nothing). Saves are written one at a
   * time; saves made while one is written coalesce into one write of the newest state, and all of them resolve then.
   */
  save(state: CheckpointState): Promise<void> {
    if (this.closed) return Promise.reject(new CheckpointError(`checkpoint store ${this.path} is closed`));
    let bytes: Buffer;
    try {
      bytes = encodeCheckpoint(state, this.maxBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      if (this.next) {
        this.next.bytes = bytes;
        this.next.waiters.push({ resolve, reject });
      } else {
        this.next = { bytes, waiters: [{ resolve, reject }] };
      }
      this.writing ??= this.drain();
    });
  }

  /** Waits for the writes in progress, then releases the lock. Later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    if (this.opening) {
      // A failed open clears `opening` and undoes its own count, so only a successful one is undone here.
      const opened = await this.opening.then(
        () => true,
        () => false,
      );
      if (opened) this.forget();
    }
    await this.lock?.release();
    this.lock = undefined;
  }

  private tooLarge(size: string): CheckpointError {
    return new CheckpointError(
      `checkpoint file ${this.path} is ${size}, over the limit of ${this.maxBytes} bytes: not a checkpoint, or ` +
        "corrupt (to recover, delete it: the stream then starts from now; or raise maxBytes if it is yours)",
      { location: this.path },
    );
  }

  /** The first use takes the lock and removes temp files that crashed writers left. Retried after a failure. */
  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(new CheckpointError(`checkpoint store ${this.path} is closed`));
    this.opening ??= this.openOnce().catch((error) => {
      this.opening = undefined;
      throw ioError("cannot open checkpoint file", this.path, error);
    });
    return this.opening;
  }

  private async openOnce(): Promise<void> {
    let problem: string | undefined;
    let cause: unknown;
    try {
      if (!(await nodeBuiltin("node:fs/promises").stat(this.directory)).isDirectory()) problem = "is not a folder";
    } catch (error) {
      cause = error;
      const code = (error as NodeJS.ErrnoException).code;
      problem = code === "ENOENT" ? "does not exist: create it first" : `cannot be used: ${code}`;
    }
    if (problem) {
      throw new CheckpointError(`the folder of checkpoint file ${this.path} ${problem}`, {
        location: this.path,
        cause,
      });
    }
    if (this.useLock) this.lock = await FileLock.acquire(`${this.path}.lock`, this.path);
    openHere.set(this.path, (openHere.get(this.path) ?? 0) + 1);
    try {
      await this.removeStaleTemps();
    } catch (error) {
      this.forget();
      await this.lock?.release();
      this.lock = undefined;
      throw error;
    }
  }

  /** This store no longer counts among the ones open on its path here. */
  private forget(): void {
    const count = (openHere.get(this.path) ?? 1) - 1;
    if (count > 0) openHere.set(this.path, count);
    else openHere.delete(this.path);
  }

  private tempPattern(): RegExp {
    const name = nodeBuiltin("node:path").basename(this.path);
    return new RegExp(`^\\.${escapeRegExp(name)}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  }

  private async removeStaleTemps(): Promise<void> {
    const { readdir, unlink } = nodeBuiltin("node:fs/promises");
    const { join } = nodeBuiltin("node:path");
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      throw ioError("cannot list the folder of checkpoint file", this.path, error);
    }
    const pattern = this.tempPattern();
    const mine = (openHere.get(this.path) ?? 0) <= 1;
    for (const name of names) {
      const match = pattern.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      // A temp file of a live writer is left alone (a store opened with lock: false beside another); it is never
      // read anyway: only the checkpoint's own name is.
      const stale = pid === process.pid ? mine : !processAlive(pid);
      if (stale) await unlink(join(this.directory, name)).catch(() => {});
    }
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const batch = this.next;
      this.next = undefined;
      try {
        await this.ready();
        await this.writeAtomically(batch.bytes);
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (error) {
        const failure = ioError("cannot write checkpoint file", this.path, error);
        for (const waiter of batch.waiters) waiter.reject(failure);
      }
    }
    this.writing = undefined;
  }

  private async writeAtomically(bytes: Buffer): Promise<void> {
    const { open, rename, unlink } = nodeBuiltin("node:fs/promises");
    const { basename, join } = nodeBuiltin("node:path");
    const suffix = nodeBuiltin("node:crypto").randomBytes(6).toString("hex");
    const temp = join(this.directory, `.${basename(this.path)}.${process.pid}.${suffix}.tmp`);
    try {
      const handle = await open(temp, "wx", this.mode);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
    await this.syncDirectory();
  }

  /** Puts the rename on disk. Windows cannot open a folder for this; its rename is durable by other means. */
  private async syncDirectory(): Promise<void> {
    if (process.platform === "win32") return;
    const handle = await nodeBuiltin("node:fs/promises").open(this.directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
