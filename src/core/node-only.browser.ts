/**
 * node-only.ts in the browser build: each Node-only module is missing, with an error that says so. Callers fall
 * back where there is something to fall back to (fetch, the native WebSocket) and report it where there is not.
 */
import { UsageError } from "./errors.js";
import type { NodeOnly } from "./node-only.js";

const missing = (what: string) => () =>
  Promise.reject(new UsageError(`${what} is not in matterapi's browser build (it needs Node)`));

export const nodeOnly: NodeOnly = {
  undiciTransport: missing("the undici transport"),
  ws: missing("the ws package"),
  proxyTunnel: missing("a proxy"),
  fs: missing("the file system"),
};
