/** Picks and loads the transport a client uses: one passed in, fetch, or undici (Node), imported lazily. */
import { nodeOnly } from "./node-only.js";
import type { ResolvedOptions } from "./options.js";
import type { Transport } from "./transport.js";

export async function createTransport(options: ResolvedOptions): Promise<Transport> {
  const choice = options.transport;
  if (typeof choice === "object") return choice;
  const useFetch = choice === "fetch" || (choice === "auto" && !isNode());
  if (useFetch) {
    const { createFetchTransport } = await import("./transports/fetch.js");
    return createFetchTransport(options.fetch, { maxConnections: options.maxConnections });
  }
  const { createUndiciTransport } = await nodeOnly.undiciTransport();
  return createUndiciTransport({
    tls: options.tls,
    proxy: options.proxy,
    connectTimeout: options.timeout > 0 ? Math.min(options.timeout, 30_000) : 30_000,
    maxConnections: options.maxConnections,
  });
}

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown };
  return Boolean(g.process?.versions?.node) && !g.process?.versions?.bun && !g.Deno;
}
