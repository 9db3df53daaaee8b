/** Type tests of the public surface (checked by tsc through vitest's typecheck mode). */
import { describe, expectTypeOf, it } from "vitest";
import {
  type ApiPromise,
  AsyncClient,
  type AsyncSession,
  type BinaryPromise,
  type Channel,
  type EventData,
  type Post,
  type PostList,
  type ResponseInfo,
  type Team,
  type TooManyRequests,
  type User,
  type ValidationIssue,
} from "../../src/index.js";

declare const client: AsyncClient;

describe("AsyncClient", () => {
  it("returns typed, awaitable results", () => {
    expectTypeOf(client.users.getUser("me")).toEqualTypeOf<ApiPromise<User>>();
    expectTypeOf<Awaited<ReturnType<typeof client.users.getUser>>>().toEqualTypeOf<User>();
    expectTypeOf<User["id"]>().toEqualTypeOf<string>();
    expectTypeOf<User["create_at"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf(client.posts.getPostsForChannel("c")).toEqualTypeOf<ApiPromise<PostList>>();
    expectTypeOf(client.channels.getChannel("c")).toEqualTypeOf<ApiPromise<Channel>>();
  });

  it("takes path parameters positionally, then the body, then wire-named query parameters, then options", () => {
    client.channels.getAllChannels({ per_page: 20, include_deleted: true });
    client.posts.getPostsForChannel("channel", { page: 0, per_page: 60 }, { timeout: 5_000, validation: "strict" });
    client.teams.createTeam({ name: "rebels", display_name: "Rebels", type: "I" });
    client.channels.getChannelByName("team", "town-square", undefined, { signal: new AbortController().signal });
    // @ts-expect-error the user id is required
    client.users.getUser();
    // @ts-expect-error query parameters keep their wire names
    client.channels.getAllChannels({ perPage: 20 });
    // @ts-expect-error a team needs a name, a display name and a type
    client.teams.createTeam({ name: "rebels" });
    // @ts-expect-error type is "O" or "I"
    client.teams.createTeam({ name: "rebels", display_name: "Rebels", type: "X" });
    // @ts-expect-error unknown per-call option
    client.users.getUser("me", { retries: 3 });
  });

  it("gives the response with .withResponse()", () => {
    expectTypeOf(client.users.getUser("me").withResponse()).toEqualTypeOf<
      Promise<{ data: User; response: ResponseInfo }>
    >();
  });

  it("returns bytes or a stream for downloads", () => {
    expectTypeOf(client.files.getFile("f")).toEqualTypeOf<BinaryPromise>();
    expectTypeOf<Awaited<BinaryPromise>>().toEqualTypeOf<Uint8Array>();
    expectTypeOf(client.files.getFile("f").stream()).toEqualTypeOf<Promise<ReadableStream<Uint8Array>>>();
  });

  it("uploads several files of several kinds", () => {
    client.files.uploadFile({ channel_id: "c", files: { "a.png": new Uint8Array(), "b.txt": new Blob([]) } });
    client.files.uploadFile({ channel_id: "c", files: [new Uint8Array()], client_ids: ["1"] });
    // @ts-expect-error a number is not a file
    client.files.uploadFile({ channel_id: "c", files: 42 });
  });

  it("iterates pages as items", () => {
    expectTypeOf(client.posts.iterPostsForChannel("c")).toEqualTypeOf<AsyncIterableIterator<Post>>();
    expectTypeOf(client.users.iterUsers()).toEqualTypeOf<AsyncIterableIterator<User>>();
    // The posts report: its cursor in the body, its posts a map; the iterator yields the posts.
    expectTypeOf(client.reports.iterPostsForReporting({ channel_id: "c" })).toEqualTypeOf<
      AsyncIterableIterator<Post>
    >();
    // @ts-expect-error the body (with its channel_id) is required, as for the operation
    client.reports.iterPostsForReporting();
  });

  it("types the event stream's data by event name, decoded", () => {
    const ws = client.websocket();
    ws.on("user_updated", (event) => expectTypeOf(event.data.user.username).toEqualTypeOf<string>());
    ws.on("channel_member_updated", (event) =>
      expectTypeOf(event.data.channelMember.channel_id).toEqualTypeOf<string>(),
    );
    ws.on("post_unread", (event) => expectTypeOf(event.data.mention_count).toEqualTypeOf<number>());
    ws.on("thread_follow_changed", (event) => expectTypeOf(event.data.state).toEqualTypeOf<boolean>());
    expectTypeOf<EventData<"update_team">>().toEqualTypeOf<{ team: Team }>();
    expectTypeOf<EventData<"some_plugin_event">>().toEqualTypeOf<Record<string, unknown>>();
  });

  it("has a typed escape hatch", () => {
    expectTypeOf(client.request<{ ok: boolean }>("GET", "/api/v4/x")).toEqualTypeOf<ApiPromise<{ ok: boolean }>>();
    // @ts-expect-error not an HTTP method
    client.request("FETCH", "/x");
  });

  it("opens sessions with the same surface", async () => {
    const session = await client.session();
    expectTypeOf(session).toEqualTypeOf<AsyncSession>();
    expectTypeOf(session.users.getUser("me")).toEqualTypeOf<ApiPromise<User>>();
    const name = await client.session(async (s) => (await s.users.getUser("me")).username);
    expectTypeOf(name).toEqualTypeOf<string>();
  });

  it("types options and errors", () => {
    new AsyncClient({ url: "https://x", auth: { token: "t" }, timeout: 1, maxRetries: 0, validation: "off" });
    new AsyncClient({ url: "https://x", auth: { loginId: "a", password: "b", mfaToken: "123456" } });
    new AsyncClient({
      url: "https://x",
      onValidationIssue: (issue) => expectTypeOf(issue).toEqualTypeOf<ValidationIssue>(),
    });
    // @ts-expect-error not a validation mode
    new AsyncClient({ url: "https://x", validation: "loose" });
    expectTypeOf<TooManyRequests["retryAfter"]>().toEqualTypeOf<number | undefined>();
  });
});
