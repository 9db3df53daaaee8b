/** Picks and loads the transport a client uses: one passed in, fetch, or undici (Node), imported lazily. */
import { nodeOnly } from "./node-only.js";
import { isCookieSession, type ResolvedOptions } from "./options.js";
import type { Transport } from "./transport.js";

export async function createTransport(options: ResolvedOptions): Promise<Transport> {
  const choice = options.transport;
  if (typeof choice === "object") return choice;
  const useFetch = choice === "fetch" || (choice === "auto" && !isNode());
  if (useFetch) {
    const { createFetchTransport } = await nodeOnly.fetchTransport();
    return createFetchTransport(options.fetch, {
      maxConnections: options.maxConnections,
      // A cookie session's cookies go on calls to another origin too (the server must allow credentials).
      ...(isCookieSession(options.auth) ? { credentials: "include" as const } : {}),
    });
  }
  const { createUndiciTransport } = await nodeOnly.undiciTransport();
  return createUndiciTransport({
    tls: options.tls,
    proxy: options.proxy,
    connectTimeout: options.timeout > 0 ? Math.min(options.timeout, 30_000) : 30_000,
    maxConnections: options.maxConnections,
  });
}

/**
 * Starts importing the module createTransport() will need, without making a transport: the import is what costs
 * time (hidden behind the caller's own work), while a transport (a connection pool) costs memory per client, so it
 * is made on the first call. An idle client, such as one that only holds an event stream, never makes one.
 */
export function preloadTransport(options: ResolvedOptions): void {
  const choice = options.transport;
  if (typeof choice === "object") return;
  const loading =
    choice === "fetch" || (choice === "auto" && !isNode()) ? nodeOnly.fetchTransport() : nodeOnly.undiciTransport();
  loading.catch(() => {});
}

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown };
  return Boolean(g.process?.versions?.node) && !g.process?.versions?.bun && !g.Deno;
}
