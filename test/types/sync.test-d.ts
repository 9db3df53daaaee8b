/** The SyncClient's types are derived from the AsyncClient's: a Promise of T becomes T. */
import { describe, expectTypeOf, it } from "vitest";
import type {
  AsyncClient,
  Channel,
  Groups,
  Post,
  PostList,
  SyncClient,
  SyncGroups,
  SyncMethod,
  UploadFileResponse,
  User,
} from "../../src/index.js";

declare const sd: SyncClient;

describe("SyncClient", () => {
  it("returns values directly, with the same arguments as AsyncClient", () => {
    expectTypeOf(sd.users.getUser("me")).toEqualTypeOf<User>();
    expectTypeOf(sd.posts.getPostsForChannel("c")).toEqualTypeOf<PostList>();
    expectTypeOf(sd.channels.getAllChannels({ per_page: 20 })).toEqualTypeOf<
      Awaited<ReturnType<AsyncClient["channels"]["getAllChannels"]>>
    >();
    expectTypeOf(sd.files.uploadFile({ channel_id: "c", files: new Uint8Array() })).toEqualTypeOf<UploadFileResponse>();
    expectTypeOf(sd.files.getFile("f")).toEqualTypeOf<Buffer>();
    expectTypeOf(sd.channels.getChannel("c")).toEqualTypeOf<Channel>();
    expectTypeOf<Parameters<SyncClient["users"]["getUser"]>>().toEqualTypeOf<
      Parameters<AsyncClient["users"]["getUser"]>
    >();
    expectTypeOf<Parameters<SyncClient["posts"]["createPost"]>>().toEqualTypeOf<
      Parameters<AsyncClient["posts"]["createPost"]>
    >();
    // @ts-expect-error the same required arguments
    sd.users.getUser();
  });

  it("turns async iterators into plain ones", () => {
    expectTypeOf(sd.posts.iterPostsForChannel("c")).toEqualTypeOf<IterableIterator<Post>>();
  });

  it("has every group of the AsyncClient, and nothing else", () => {
    expectTypeOf<keyof SyncGroups>().toEqualTypeOf<keyof Groups>();
    expectTypeOf<keyof SyncClient["users"]>().toEqualTypeOf<keyof AsyncClient["users"]>();
    expectTypeOf<SyncMethod<AsyncClient["teams"]["createTeam"]>>().toEqualTypeOf<
      (
        ...args: Parameters<AsyncClient["teams"]["createTeam"]>
      ) => Awaited<ReturnType<AsyncClient["teams"]["createTeam"]>>
    >();
  });
});
