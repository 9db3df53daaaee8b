/**
 * Type tests of the modular entry: every function of matterapi/operations (and of its unvalidated twin) has the
 * name of a client method and that method's parameters, after the client, and its return type.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { ApiPromise, AsyncClient, BinaryPromise, Groups, PostList, User } from "../../src/index.js";
import { type CoreClient, type CoreHolder, createClient } from "../../src/modular/core.js";
import * as operations from "../../src/modular/operations.js";
import type * as unvalidated from "../../src/modular/operations-unvalidated.js";

declare const client: AsyncClient;
declare const core: CoreClient;

/** Every method of every group as one object type: `getUser`, `iterUsers`, `createPost`, ... */
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type AllMethods = UnionToIntersection<Groups[keyof Groups]>;

/** What the function of a method must be: the client first, then the method's own parameters. */
type AsFunction<M> = M extends (...args: infer A) => infer R ? (client: CoreHolder, ...args: A) => R : never;
type Expected = { readonly [K in keyof AllMethods]: AsFunction<AllMethods[K]> };

type Functions = typeof operations;
type UnvalidatedFunctions = typeof unvalidated;

describe("matterapi/operations", () => {
  it("has one function per client method, no more, no less", () => {
    expectTypeOf<keyof Functions>().toEqualTypeOf<keyof AllMethods>();
    expectTypeOf<keyof UnvalidatedFunctions>().toEqualTypeOf<keyof AllMethods>();
  });

  it("gives each function its method's parameters (after the client) and return type", () => {
    expectTypeOf<Functions>().toEqualTypeOf<Expected>();
    expectTypeOf<UnvalidatedFunctions>().toEqualTypeOf<Expected>();
  });

  it("reads as the client's methods do", () => {
    expectTypeOf(operations.getUser).parameters.toEqualTypeOf<
      [CoreHolder, ...Parameters<AsyncClient["users"]["getUser"]>]
    >();
    expectTypeOf(operations.getUser(core, "me")).toEqualTypeOf<ApiPromise<User>>();
    expectTypeOf(operations.getUser(client, "me")).toEqualTypeOf(client.users.getUser("me"));
    expectTypeOf(operations.getPostsForChannel(core, "c", { page: 0 })).toEqualTypeOf<ApiPromise<PostList>>();
    expectTypeOf(operations.getFile(core, "f")).toEqualTypeOf<BinaryPromise>();
    expectTypeOf(operations.iterUsers(core, { per_page: 2 })).toEqualTypeOf<AsyncIterableIterator<User>>();
    expectTypeOf(createClient).returns.toEqualTypeOf<CoreClient>();
    // @ts-expect-error the client comes first
    operations.getUser("me");
    // @ts-expect-error the user id is required
    operations.getUser(core);
    // @ts-expect-error query parameters keep their wire names
    operations.getAllChannels(core, { perPage: 20 });
    // @ts-expect-error a team needs a name, a display name and a type
    operations.createTeam(core, { name: "rebels" });
  });
});
