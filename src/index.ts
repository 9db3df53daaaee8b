/**
 * matterapi: a typed, validated client for the Mattermost REST API v4 and its WebSocket event stream.
 *
 *   import { AsyncClient } from "matterapi";
 *   const client = new AsyncClient({ url: "https://chat.example.com", auth: { token } });
 *   const me = await client.users.getUser("me");
 */
export { SyncWorkerError } from "./core/errors.js";
export * from "./portable.js";
export {
  type StartWsSyncOptions,
  SyncClient,
  type SyncGroup,
  type SyncGroups,
  type SyncMethod,
  SyncSession,
} from "./sync/client.js";
export { FileCheckpointStore, type FileCheckpointStoreOptions } from "./ws/checkpoints/file-store.js";
