/**
 * The functions of matterapi/operations: one per operation, each holding only its own endpoint (and, in the
 * validated module, its own response schema), so that a bundler keeps exactly the operations an app calls. Each
 * generated function is an arrow function over a constant endpoint, both free of side effects as they stand, so
 * that a bundler drops an operation nobody imports without needing a PURE annotation (minifiers strip those).
 */
import type { ClientCore, Endpoint } from "../core/client-core.js";
import { UsageError } from "../core/errors.js";
import { callOperation, iteratorCall } from "../core/group.js";
import type { Pager } from "../core/pagination.js";

/** What an operation runs on: a client from `createClient()` (matterapi/core), an AsyncClient or a session. */
export interface CoreHolder {
  /** @internal */
  readonly _core: ClientCore;
}

/** A client method as a function of the client: `getUser(client, "me")` for `client.users.getUser("me")`. */
export type Operation<Method> = Method extends (...args: infer Args) => infer Result
  ? (client: CoreHolder, ...args: Args) => Result
  : never;

/** The client's core, or a UsageError naming the operation when `client` is not a client. */
export function coreOf(client: CoreHolder, id: string): ClientCore {
  const core = (client as Partial<CoreHolder> | null | undefined)?._core;
  // Duck-typed, not instanceof: a client and the operations may come from two copies of matterapi in one app.
  if (typeof core?.call !== "function") {
    throw new UsageError(
      `${id}: the first argument must be a client (createClient() from matterapi/core, or an AsyncClient), ` +
        `got ${client === null ? "null" : typeof client}`,
    );
  }
  return core;
}

/** Runs one operation for a generated function: `getUser(client, "me")` is `call(client, GetUserEndpoint, ["me"])`. */
export function call(client: CoreHolder, ep: Endpoint, args: readonly unknown[]): unknown {
  return callOperation(coreOf(client, ep.id), ep, args);
}

/** Runs an operation's iterator (every item of every page) for a generated function. */
export function iterate(client: CoreHolder, ep: Endpoint, pager: Pager, args: readonly unknown[]): unknown {
  return iteratorCall(ep, pager)(coreOf(client, ep.id), args);
}
