/** The base of every generated group (`client.users`, `client.posts`, ...): a thin view onto the client's core. */
import type { RequestOptions } from "./api-promise.js";
import type { ClientCore, Endpoint } from "./client-core.js";
import { type Pager, paginate } from "./pagination.js";

export type { Endpoint };

export abstract class ApiGroup {
  readonly #core: ClientCore;

  constructor(core: ClientCore) {
    this.#core = core;
  }

  /** Runs an operation; the generated method's declared return type gives R. */
  protected call<R>(
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
    body: unknown,
    query: object | undefined,
    options: RequestOptions | undefined,
  ): R {
    return this.#core.call<R>(ep, path, body, query as Record<string, unknown> | undefined, options);
  }

  /** Iterates over every item of a paged list operation. */
  protected paginate<T>(
    ep: Endpoint,
    path: readonly (string | number)[] | undefined,
    query: object | undefined,
    options: RequestOptions | undefined,
    pager: Pager,
  ): AsyncIterableIterator<T> {
    return paginate<T>(this.#core, ep, path, query as Record<string, unknown> | undefined, options, pager);
  }
}
