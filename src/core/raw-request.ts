/**
 * Any HTTP call of a client, for paths the spec lacks (`client.request`, and `request()` of matterapi/core): an
 * Endpoint made on the spot from the method, the path template and what the caller says about body and answer.
 */
import type { ApiPromise, RequestOptions } from "./api-promise.js";
import type { ClientCore } from "./client-core.js";
import type { Endpoint, HttpMethod } from "./endpoint.js";
import { UsageError } from "./errors.js";
import type { Schema } from "./schema.js";

export interface RawRequest<T = unknown> extends RequestOptions {
  /** Values for {name} placeholders in the path. */
  params?: Record<string, string | number> | undefined;
  query?: Record<string, unknown> | undefined;
  /** A JSON body, or with `multipart: true` a form (see uploads), or bytes with `binary: true`. */
  body?: unknown;
  multipart?: boolean | undefined;
  binary?: boolean | undefined;
  /** How to read the answer: "json" (default), "binary", "text", "empty" or "unknown" (JSON if it is JSON). */
  response?: Endpoint["response"] | undefined;
  /** Validate a JSON answer against this schema. */
  schema?: Schema | undefined;
  /** false: send no Authorization header. */
  auth?: boolean | undefined;
  /** Type-only marker; leave undefined. */
  readonly __type?: T;
}

const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/**
 * `path` starts with / and is joined to the site URL ("/api/v4/users/me"); {name} placeholders are filled from
 * `params`. Bad arguments throw a UsageError at once.
 */
export function rawRequest<T>(core: ClientCore, method: HttpMethod, path: string, init: RawRequest<T>): ApiPromise<T> {
  const upper = String(method).toUpperCase() as HttpMethod;
  if (!HTTP_METHODS.includes(upper)) throw new UsageError(`request: unknown HTTP method ${JSON.stringify(method)}`);
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new UsageError(`request: path must start with /, got ${JSON.stringify(path)}`);
  }
  const { params, query, body, multipart, binary, response, schema, auth, ...options } = init;
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  // Own properties only: a placeholder named {constructor} must not pick up Object.prototype's.
  const values = names.map((name) => (params && Object.hasOwn(params, name) ? params[name] : undefined));
  const ep: Endpoint = {
    id: `${upper} ${path}`,
    method: upper,
    path,
    body: body === undefined ? undefined : multipart ? "multipart" : binary ? "binary" : "json",
    response: response ?? "json",
    ...(schema ? { schema } : {}),
    ...(auth === false ? { auth: false as const } : {}),
  };
  return core.call<ApiPromise<T>>(ep, values as (string | number)[], body, query, options);
}
