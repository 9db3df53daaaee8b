/**
 * matterapi/core: a small client (`createClient`) for the functions of matterapi/operations, for apps that care
 * about bundle size: the bundle holds the request pipeline and only the operations the app imports.
 *
 *   import { createClient } from "matterapi/core";
 *   import { getUser } from "matterapi/operations";
 *   const client = createClient({ url: "https://chat.example.com", auth: { token } });
 *   const me = await getUser(client, "me");
 */
export { ApiPromise, BinaryPromise, type RequestOptions, type ResponseInfo } from "../core/api-promise.js";
export type { Endpoint, HttpMethod } from "../core/endpoint.js";
export {
  ApiError,
  type ApiErrorInit,
  type AppErrorBody,
  ConnectionError,
  ContentTooLarge,
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
  WebSocketClosedError,
  WebSocketConnectError,
  WebSocketFrameError,
} from "../core/errors.js";
export { type ClientOptions, type PasswordAuth, type TokenAuth, VERSION } from "../core/options.js";
export type { Pager } from "../core/pagination.js";
export type { RawRequest } from "../core/raw-request.js";
export type { Schema } from "../core/schema.js";
export type { Transport, TransportRequest, TransportResponse } from "../core/transport.js";
export type { FetchFunction } from "../core/transports/fetch.js";
export type { ProxyOptions, TlsOptions } from "../core/transports/undici.js";
export { fromPath, type NamedFile, toFile, type Uploadable, type Uploads } from "../core/uploads.js";
export type { IssueHandler, ValidationMode } from "../core/validation.js";
export type * from "../generated/models/index.js";
export {
  type CloseInfo,
  type LifecycleEvents,
  MattermostWebSocket,
  type MissedSignal,
  WebSocketActionError,
  WebSocketAuthError,
  type WebSocketOptions,
  type WebSocketState,
} from "../ws/client.js";
export type {
  AnyServerEvent,
  Broadcast,
  EventData,
  EventDataMap,
  KnownEventName,
  PostedData,
  ServerEvent,
} from "../ws/events.js";
export { CoreClient, createClient, request } from "./client.js";
export type { CoreHolder, Operation } from "./operation.js";
export { websocket } from "./websocket.js";
