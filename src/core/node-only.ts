/**
 * The Node-only modules matterapi loads when it needs them, all in one place. The browser build
 * (scripts/build.mjs) puts node-only.browser.ts in this file's place, so that a browser bundler never meets
 * undici, ws or a `node:` import.
 */
export interface NodeOnly {
  /** The fetch transport: a lazy chunk in Node (where undici is the default), bundled in the browser twin. */
  fetchTransport(): Promise<typeof import("./transports/fetch.js")>;
  undiciTransport(): Promise<typeof import("./transports/undici.js")>;
  ws(): Promise<typeof import("ws")>;
  proxyTunnel(): Promise<typeof import("../ws/proxy-tunnel.js")>;
  fs(): Promise<typeof import("node:fs")>;
}

export const nodeOnly: NodeOnly = {
  fetchTransport: () => import("./transports/fetch.js"),
  undiciTransport: () => import("./transports/undici.js"),
  ws: () => import("ws"),
  proxyTunnel: () => import("../ws/proxy-tunnel.js"),
  fs: () => import("node:fs"),
};
