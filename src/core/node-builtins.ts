/**
 * Node builtins loaded on first use instead of at import: crypto, fs, os and worker_threads take milliseconds each
 * to load in a fresh process, and only the file checkpoint store and the SyncClient need them, so importing
 * matterapi stays fast without them. Loaded synchronously, because constructors (the SyncClient starts its worker
 * in one) and the public encodeCheckpoint/decodeCheckpoint need them synchronously.
 */
import { createRequire } from "node:module";

interface Builtins {
  "node:crypto": typeof import("node:crypto");
  "node:fs": typeof import("node:fs");
  "node:fs/promises": typeof import("node:fs/promises");
  "node:os": typeof import("node:os");
  "node:path": typeof import("node:path");
  "node:url": typeof import("node:url");
  "node:worker_threads": typeof import("node:worker_threads");
}

let load: ((id: string) => unknown) | undefined;

/** The builtin module `id`, loaded now if this process has not loaded it yet (Node caches it). */
export function nodeBuiltin<Id extends keyof Builtins>(id: Id): Builtins[Id] {
  // process.getBuiltinModule exists from Node 20.16; an older Node gets a require() for builtins.
  load ??=
    typeof process.getBuiltinModule === "function"
      ? (name) => process.getBuiltinModule(name)
      : createRequire(import.meta.url);
  return load(id) as Builtins[Id];
}
