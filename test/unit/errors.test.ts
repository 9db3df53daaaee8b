import { describe, expect, it } from "vitest";
import {
  ApiError,
  AsyncClient,
  ConnectionError,
  ContentTooLarge,
  FeatureDisabled,
  InternalServerError,
  InvalidOrMissingParameters,
  MethodNotAllowed,
  NoAccessTokenProvided,
  NotEnoughPermissions,
  RequestAbortedError,
  RequestTimeoutError,
  ResourceNotFound,
  TooManyRequests,
  UsageError,
} from "../../src/index.js";
import { appError, FakeTransport, type Reply } from "../helpers/fake-transport.js";

const TOKEN = "tok-3f9a-secret";

function client(replies: Reply[]) {
  const transport = new FakeTransport(replies);
  return {
    transport,
    client: new AsyncClient({ url: "https://chat.example.com", auth: { token: TOKEN }, transport, maxRetries: 0 }),
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("errors by status", () => {
  it.each([
    [400, InvalidOrMissingParameters],
    [401, NoAccessTokenProvided],
    [403, NotEnoughPermissions],
    [404, ResourceNotFound],
    [405, MethodNotAllowed],
    [413, ContentTooLarge],
    [429, TooManyRequests],
    [500, InternalServerError],
    [501, FeatureDisabled],
    [502, InternalServerError],
    [503, InternalServerError],
    [409, ApiError],
  ])("%i -> %o", async (status, cls) => {
    const { client: c } = client([{ status, body: appError(status, "some.error.id", "Something went wrong.") }]);
    const error = await failure(c.users.getUser("me"));
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).name).toBe(cls.name);
  });

  it("carries Mattermost's error body, the status, the method and the URL", async () => {
    const body = {
      id: "store.sql_team.save_team.existing.app_error",
      message: "A team with that name already exists",
      detailed_error: "",
      request_id: "xkd3y7sxgtbd3jq8fzndsd8uwh",
      status_code: 400,
    };
    const { client: c } = client([{ status: 400, body, headers: { "X-Request-Id": "xkd3y7sxgtbd3jq8fzndsd8uwh" } }]);
    const error = (await failure(
      c.teams.createTeam({ name: "rebels", display_name: "Rebels", type: "I" }),
    )) as ApiError;
    expect(error).toBeInstanceOf(InvalidOrMissingParameters);
    expect(error.status).toBe(400);
    expect(error.method).toBe("POST");
    expect(error.url).toBe("https://chat.example.com/api/v4/teams");
    expect(error.id).toBe(body.id);
    expect(error.body).toEqual(body);
    expect(error.requestId).toBe(body.request_id);
    expect(error.message).toContain("A team with that name already exists");
    expect(error.message).toContain(body.id);
  });

  it("gives a useful error for a non-JSON body (the rate limiter's text, a proxy's HTML)", async () => {
    const { client: c } = client([
      { status: 502, body: "<html><body>Bad Gateway</body></html>", headers: { "content-type": "text/html" } },
    ]);
    const error = (await failure(c.users.getUser("me"))) as ApiError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBeUndefined();
    expect(error.message).toContain("502");
    expect(error.message).toContain("Bad Gateway");
  });

  it("gives a useful error for an empty body", async () => {
    const { client: c } = client([{ status: 404 }]);
    const error = await failure(c.users.getUser("x"));
    expect(error).toBeInstanceOf(ResourceNotFound);
    expect(error.message).toMatch(/404 \(no body\) \(GET https:\/\/chat.example.com\/api\/v4\/users\/x\)/);
  });

  it("reads retryAfter from a 429", async () => {
    const { client: c } = client([
      { status: 429, body: "limit exceeded\n", headers: { "Retry-After": "7", "X-RateLimit-Reset": "7" } },
    ]);
    const error = (await failure(c.users.getUser("me"))) as TooManyRequests;
    expect(error).toBeInstanceOf(TooManyRequests);
    expect(error.retryAfter).toBe(7);
    expect(error.message).toContain("limit exceeded");
  });

  it("never puts the token in an error, even when it is in the URL", async () => {
    const { client: c } = client([
      { status: 401, body: appError(401, "api.context.session_expired.app_error", "Invalid or expired session") },
    ]);
    const error = await failure(c.request("GET", "/api/v4/users/me", { query: { access_token: TOKEN } }));
    expect(error).toBeInstanceOf(NoAccessTokenProvided);
    const everything = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    expect(everything).not.toContain(TOKEN);
    expect((error as ApiError).url).toContain("access_token=***");
  });

  it("maps connection failures and timeouts", async () => {
    const { client: c } = client([{ fail: "connection" }]);
    const error = await failure(c.users.getUser("me"));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain("GET https://chat.example.com/api/v4/users/me");
    const { client: c2 } = client([{ fail: "timeout" }]);
    const timeout = await failure(c2.users.getUser("me", { timeout: 1234 }));
    expect(timeout).toBeInstanceOf(RequestTimeoutError);
    expect(timeout.message).toContain("1234 ms");
  });

  it("maps an aborted signal", async () => {
    const { client: c } = client([{ body: {} }]);
    const controller = new AbortController();
    controller.abort();
    const error = await failure(c.users.getUser("me", { signal: controller.signal }));
    expect(error).toBeInstanceOf(RequestAbortedError);
  });

  it("rejects bad input with a clear usage error naming the parameter", async () => {
    const { client: c } = client([{ body: {} }]);
    const missing = await failure(c.users.getUser(undefined as unknown as string));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toBe("GetUser: path parameter user_id must be a non-empty string, got undefined");
    const empty = await failure(c.users.getUser(""));
    expect(empty.message).toContain("got an empty string");
    const badQuery = await failure(c.users.getUsers({ page: { n: 1 } as unknown as number }));
    expect(badQuery.message).toContain("query parameter page cannot be a Object");
    const badBody = await failure(c.posts.createPost({ channel_id: "c", message: 1n as unknown as string }));
    expect(badBody.message).toMatch(/CreatePost: the body cannot be sent as JSON/);
  });

  it("encodes path parameters so they cannot change the route", async () => {
    const { client: c, transport } = client([{ body: {} }]);
    await c.users.getUserByUsername("../../system/ping?x=1");
    expect(transport.requests[0].url).toBe(
      "https://chat.example.com/api/v4/users/username/..%2F..%2Fsystem%2Fping%3Fx%3D1",
    );
  });
});
