/**
 * Everything of matterapi that runs in any JavaScript runtime (browsers included): the AsyncClient, its types,
 * errors and the event stream. The package's browser entry; src/index.ts adds the Node-only SyncClient.
 */
export { AsyncClient, AsyncSession, type RawRequest } from "./client.js";
export { ApiPromise, BinaryPromise, type RequestOptions, type ResponseInfo } from "./core/api-promise.js";
export type { Endpoint, HttpMethod } from "./core/client-core.js";
export {
  ApiError,
  type ApiErrorInit,
  type AppErrorBody,
  ConnectionError,
  ContentTooLarge,
  CorsError,
  DeadlineExceededError,
  FeatureDisabled,
  InternalServerError,
  InvalidOrMissingParameters,
  MatterapiError,
  MethodNotAllowed,
  NoAccessTokenProvided,
  NotEnoughPermissions,
  RedirectError,
  RequestAbortedError,
  RequestTimeoutError,
  ResourceNotFound,
  ResponseTooLargeError,
  TooManyRequests,
  UsageError,
  ValidationError,
  type ValidationIssue,
} from "./core/errors.js";
export { schemas } from "./core/group-tables.js";
export {
  type ClientOptions,
  type CookieAuth,
  DEFAULTS,
  type PasswordAuth,
  type TokenAuth,
  VERSION,
} from "./core/options.js";
export type { Pager } from "./core/pagination.js";
export type { Schema } from "./core/schema.js";
export type { Transport, TransportRequest, TransportResponse } from "./core/transport.js";
export type { FetchFunction } from "./core/transports/fetch.js";
export type { ProxyOptions, TlsOptions } from "./core/transports/undici.js";
export { fromPath, type NamedFile, toFile, type Uploadable, type Uploads } from "./core/uploads.js";
export type { IssueHandler, ValidationMode } from "./core/validation.js";
export type * from "./generated/groups/index.js";
export type * from "./generated/models/index.js";
export { CheckpointError } from "./ws/checkpoints/errors.js";
export { MemoryCheckpointStore } from "./ws/checkpoints/memory-store.js";
export { type AcknowledgedPost, CheckpointTracker, type CheckpointTrackerOptions } from "./ws/checkpoints/tracker.js";
export type { ChannelPosition, CheckpointState, CheckpointStore } from "./ws/checkpoints/types.js";
export { validateCheckpointState } from "./ws/checkpoints/validate.js";
export {
  type CloseInfo,
  type LifecycleEvents,
  MattermostWebSocket,
  type MissedSignal,
  WebSocketActionError,
  WebSocketAuthError,
  WebSocketClosedError,
  WebSocketConnectError,
  WebSocketFrameError,
  type WebSocketOptions,
  type WebSocketState,
} from "./ws/client.js";
export {
  type AnyServerEvent,
  type Broadcast,
  EVENT_NAMES,
  type EventData,
  type EventDataMap,
  type EventNameArg,
  type EventOf,
  type KnownEventName,
  type KnownServerEvent,
  type PluginEventName,
  type PluginServerEvent,
  type PostedData,
  type ServerEvent,
  type ServerEventName,
  type UnknownServerEvent,
} from "./ws/events.js";
export { type WaitForOptions, waitForEvent } from "./ws/waiters.js";
