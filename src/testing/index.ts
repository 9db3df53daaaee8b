/**
 * matterapi/testing: a faithful, stateful fake of the core of Mattermost (REST and WebSocket), in process, for
 * tests and demos.
 *
 *   import { createTestServer } from "matterapi/testing";
 *   const server = await createTestServer();
 *   const client = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
 *
 * A SyncClient blocks its thread: give it `await startTestServerInWorker()`, the same server in a thread of its own.
 */

export type { CorsOptions } from "./cors.js";
export type { Broadcast, Stats } from "./env.js";
export { startTestServerInWorker, type TestServerInWorker } from "./in-worker.js";
export {
  type ChannelInfo,
  createTestServer,
  type Fault,
  type FaultMatch,
  type Faults,
  type TestPage,
  type TestServer,
  type TestServerOptions,
  type TestUser,
} from "./server.js";
export { totp } from "./totp.js";
