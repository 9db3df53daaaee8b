/**
 * The client of matterapi/core: the request pipeline (auth, retries, validation, transports) without the 512
 * methods. Operations are the functions of matterapi/operations, `getUser(client, "me")`, each imported on its
 * own, so an app's bundle holds only the operations it calls.
 */
import type { ApiPromise } from "../core/api-promise.js";
import { ClientCore } from "../core/client-core.js";
import type { HttpMethod } from "../core/endpoint.js";
import { type ClientOptions, resolveOptions } from "../core/options.js";
import { type RawRequest, rawRequest } from "../core/raw-request.js";
import { INSPECT, namedView } from "../core/redact.js";
import { type CoreHolder, coreOf } from "./operation.js";

export class CoreClient {
  /** @internal The request pipeline the operations run on. */
  readonly _core: ClientCore;

  constructor(options: ClientOptions) {
    this._core = new ClientCore(resolveOptions(options));
  }

  /** The session token this client sends (the login token for password auth, once logged in). */
  get token(): string | undefined {
    return this._core.token;
  }

  /** Logs in now (password auth; otherwise a no-op) instead of on the first call. Resolves to the token. */
  login(): Promise<string | undefined> {
    return this._core.ensureLogin();
  }

  /** Logs out if this client logged in (password auth), and closes its connections. Safe to call twice. */
  close(): Promise<void> {
    return this._core.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** What JSON loggers and util.inspect show: the URL and the options, secrets masked (core/redact.ts). */
  toJSON(): Record<string, unknown> {
    return this._core.toJSON();
  }

  [INSPECT](): object {
    return namedView(this.constructor.name, this.toJSON());
  }
}

/**
 * Any HTTP call, for paths the spec lacks, as AsyncClient.request: `request(client, "GET", "/api/v4/users/me")`.
 * `path` starts with / and is joined to the site URL; {name} placeholders are filled from `params`. A function,
 * not a method, so that an app that never calls it does not carry it.
 */
export function request<T = unknown>(
  client: CoreHolder,
  method: HttpMethod,
  path: string,
  init: RawRequest<T> = {},
): ApiPromise<T> {
  return rawRequest(coreOf(client, "request"), method, path, init);
}

/** A client for the functions of matterapi/operations: `const client = createClient({ url, auth })`. */
export function createClient(options: ClientOptions): CoreClient {
  return new CoreClient(options);
}
