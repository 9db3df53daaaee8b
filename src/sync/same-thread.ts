/**
 * Finds a server that listens in this very thread on the address a SyncClient calls. Such a server can never
 * answer: the SyncClient blocks the thread (and so the server's event loop) until the answer comes. The fake
 * server started in the same script as the SyncClient is the usual case.
 *
 * It looks at the thread's own open handles (each thread has its own), so a server in another thread or process,
 * which can answer, is never mistaken for one here.
 */

interface ListeningHandle {
  listening?: boolean;
  address?: () => { address: string; port: number } | string | null;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[?::ffff:127(?:\.\d{1,3}){3}\]?)$/i;

/** The address of the first server of this thread that `urls` (the site URL, a proxy) would reach, if any. */
export function sameThreadServer(urls: readonly string[]): string | undefined {
  const handles = (process as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.();
  if (!handles) return undefined; // not Node: nothing to look at
  const targets = urls.map(parse).filter((t) => t !== undefined);
  if (targets.length === 0) return undefined;
  for (const handle of handles as ListeningHandle[]) {
    if (handle?.listening !== true || typeof handle.address !== "function") continue;
    const address = handle.address();
    if (!address || typeof address === "string") continue;
    for (const target of targets) {
      if (target.port !== address.port) continue;
      const wildcard = address.address === "::" || address.address === "0.0.0.0";
      const sameHost = stripBrackets(target.host) === address.address;
      if (sameHost || (LOOPBACK.test(target.host) && (wildcard || LOOPBACK.test(address.address)))) {
        return `${target.host}:${target.port}`;
      }
    }
  }
  return undefined;
}

function parse(url: string): { host: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
    return { host: parsed.hostname, port };
  } catch {
    return undefined;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith("[") ? host.slice(1, -1) : host;
}
