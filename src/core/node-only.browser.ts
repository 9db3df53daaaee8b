/**
 * node-only.ts in the browser build: each Node-only module is missing, with an error that says so. Callers fall
 * back where there is something to fall back to (fetch, the native WebSocket) and report it where there is not.
 * The fetch transport, which every browser client uses, is bundled: no lazy chunk for a browser bundler to wrap
 * or fetch separately.
 */
import { UsageError } from "./errors.js";
import type { NodeOnly } from "./node-only.js";
import * as fetchTransport from "./transports/fetch.js";

const missing = (what: string) => () =>
  Promise.reject(new UsageError(`${what} is not in matterapi's browser build (it needs Node)`));

export const nodeOnly: NodeOnly = {
  fetchTransport: () => Promise.resolve(fetchTransport),
  undiciTransport: missing("the undici transport"),
  ws: missing("the ws package"),
  proxyTunnel: missing("a proxy"),
  fs: missing("the file system"),
};
