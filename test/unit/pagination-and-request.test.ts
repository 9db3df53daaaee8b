import { describe, expect, it } from "vitest";
import { AsyncClient, schemas, ValidationError } from "../../src/index.js";
import { FakeTransport, type Recorded, type Reply } from "../helpers/fake-transport.js";

function setup(handler: (req: Recorded, i: number) => Reply) {
  const transport = new FakeTransport(handler);
  const client = new AsyncClient({ url: "https://c.example", auth: { token: "t" }, transport, validation: "off" });
  return { transport, client };
}

const users = Array.from({ length: 250 }, (_, i) => ({ id: `u${i}`, username: `user${i}` }));

describe("pagination", () => {
  it("walks page = 0, 1, 2 ... until a short page", async () => {
    const { client, transport } = setup((req) => {
      const url = new URL(req.url);
      const page = Number(url.searchParams.get("page"));
      const perPage = Number(url.searchParams.get("per_page"));
      return { body: users.slice(page * perPage, (page + 1) * perPage) };
    });
    const seen: string[] = [];
    for await (const user of client.users.iterUsers({ in_team: "team1", per_page: 100 })) seen.push(user.id);
    expect(seen).toEqual(users.map((u) => u.id));
    expect(transport.requests.map((r) => new URL(r.url).search)).toEqual([
      "?in_team=team1&per_page=100&page=0",
      "?in_team=team1&per_page=100&page=1",
      "?in_team=team1&per_page=100&page=2",
    ]);
  });

  it("fetches lazily: breaking out stops the requests", async () => {
    const { client, transport } = setup((req) => {
      const page = Number(new URL(req.url).searchParams.get("page"));
      return { body: users.slice(page * 100, (page + 1) * 100) };
    });
    for await (const user of client.users.iterUsers()) if (user.id === "u5") break;
    expect(transport.requests).toHaveLength(1);
  });

  it("stops when a server ignores `page` and repeats itself", async () => {
    const { client, transport } = setup(() => ({ body: users.slice(0, 100) }));
    let count = 0;
    for await (const _ of client.users.iterUsers()) count++;
    expect(count).toBe(100);
    expect(transport.requests).toHaveLength(2);
  });

  it("yields the posts of a PostList in `order`", async () => {
    const list = (ids: string[]) => ({
      order: ids,
      posts: Object.fromEntries(ids.map((id) => [id, { id, message: `m-${id}` }])),
      next_post_id: "",
      prev_post_id: "",
    });
    const { client } = setup((req) => {
      const page = Number(new URL(req.url).searchParams.get("page"));
      return { body: page === 0 ? list(["c", "b"]) : page === 1 ? list(["a"]) : list([]) };
    });
    const messages: string[] = [];
    // A numbered-page post list (a channel's posts are walked by `before`: test/unit/post-cursor.test.ts).
    for await (const post of client.posts.iterFlaggedPostsForUser("me", { per_page: 2 })) messages.push(post.message);
    expect(messages).toEqual(["m-c", "m-b", "m-a"]);
  });

  it("pages through the array field of an object page", async () => {
    const { client } = setup((req) => {
      const page = Number(new URL(req.url).searchParams.get("page"));
      return { body: { members: page === 0 ? [{ id: "a" }, { id: "b" }] : [{ id: "c" }], total_member_count: 3 } };
    });
    const ids: string[] = [];
    for await (const member of client.groups.iterGroupUsers("g1", { per_page: 2 })) ids.push(member.id as string);
    expect(ids).toEqual(["a", "b", "c"]);
  });
});

describe("cursor pagination", () => {
  const people = ["ann", "bob", "cy", "di", "ed"].map((name, i) => ({
    id: `id${i}`,
    username: `u-${name}`,
    first_name: name,
  }));

  it("follows the reports API's value + id cursor, by the sorted column", async () => {
    const { client, transport } = setup((req) => {
      const q = new URL(req.url).searchParams;
      const after = q.get("from_column_value");
      const start = after ? people.findIndex((p) => p.first_name === after) + 1 : 0;
      return { body: people.slice(start, start + 2) };
    });
    const seen: string[] = [];
    for await (const user of client.reports.iterUsersForReporting({ sort_column: "FirstName", page_size: 2 })) {
      seen.push(user.id as string);
    }
    expect(seen).toEqual(["id0", "id1", "id2", "id3", "id4"]);
    const queries = transport.requests.map((r) => new URL(r.url).search);
    expect(queries[1]).toBe("?sort_column=FirstName&page_size=2&from_column_value=bob&from_id=id1");
    expect(queries).toHaveLength(4);
  });

  it("follows an `after` cursor through an object page", async () => {
    const { client } = setup((req) => {
      const after = new URL(req.url).searchParams.get("after");
      const start = after ? people.findIndex((p) => p.id === after) + 1 : 0;
      return { body: { channels: people.slice(start, start + 2), total_count: people.length } };
    });
    const ids: string[] = [];
    for await (const channel of client.accessControl.iterChannelsForAccessControlPolicy("policy1", { limit: 2 })) {
      ids.push(channel.id as string);
    }
    expect(ids).toEqual(["id0", "id1", "id2", "id3", "id4"]);
  });
});

describe("the posts report: a cursor in the body, posts as a map", () => {
  // 7 posts whose ids do not sort in time order, as the server's map (sorted by id) would scramble them.
  const posts = Array.from({ length: 7 }, (_, i) => ({
    id: `p${(7 - i) * 3}`,
    create_at: 1000 + i,
    update_at: 5000 - i,
  }));
  /** A server page: `per_page` posts after the cursor (an index), as a map written in id order. */
  function answer(req: Recorded, order: typeof posts) {
    const body = JSON.parse(req.bodyText ?? "{}") as { cursor?: string; per_page: number };
    const start = body.cursor ? Number(body.cursor) : 0;
    const page = order.slice(start, start + body.per_page);
    const byId = Object.fromEntries([...page].sort((a, b) => a.id.localeCompare(b.id)).map((p) => [p.id, p]));
    const more = start + body.per_page < order.length;
    return { body: { posts: byId, next_cursor: more ? { cursor: String(start + body.per_page) } : null } };
  }

  it("follows next_cursor.cursor in the body and gives each page in time order", async () => {
    const { client, transport } = setup((req) => answer(req, posts));
    const seen: number[] = [];
    for await (const post of client.reports.iterPostsForReporting({ channel_id: "c1", per_page: 3 })) {
      seen.push(post.create_at as number);
    }
    expect(seen).toEqual(posts.map((p) => p.create_at));
    const bodies = transport.requests.map((r) => JSON.parse(r.bodyText ?? "{}"));
    expect(bodies).toEqual([
      { channel_id: "c1", per_page: 3 },
      { channel_id: "c1", per_page: 3, cursor: "3" },
      { channel_id: "c1", per_page: 3, cursor: "6" },
    ]);
    expect(transport.requests.every((r) => r.method === "POST" && r.url.endsWith("/api/v4/reports/posts"))).toBe(true);
  });

  it("orders by the time field and direction the body names", async () => {
    const newestEdits = [...posts].sort((a, b) => b.update_at - a.update_at);
    const { client } = setup((req) => answer(req, newestEdits));
    const seen: number[] = [];
    const body = { channel_id: "c1", per_page: 2, time_field: "update_at", sort_direction: "desc" } as const;
    for await (const post of client.reports.iterPostsForReporting(body)) seen.push(post.update_at as number);
    expect(seen).toEqual(newestEdits.map((p) => p.update_at));
  });

  it("refuses a body that is not an object, naming the operation", async () => {
    const { client } = setup(() => ({ body: {} }));
    const iterator = client.reports.iterPostsForReporting("c1" as never);
    await expect(iterator.next()).rejects.toThrow(/GetPostsForReporting: the body must be an object/);
  });
});

describe("client.request: the escape hatch", () => {
  it("calls any path with params, query and a JSON body, typed by the caller", async () => {
    const { client, transport } = setup(() => ({ status: 201, body: { ok: true } }));
    const result = await client.request<{ ok: boolean }>("POST", "/api/v4/plugins/{plugin_id}/custom", {
      params: { plugin_id: "com.example/x" },
      query: { dry_run: true, tags: ["a", "b"], skip: undefined },
      body: { hello: "world" },
    });
    expect(result.ok).toBe(true);
    const req = transport.requests[0];
    expect(req.url).toBe("https://c.example/api/v4/plugins/com.example%2Fx/custom?dry_run=true&tags=a&tags=b");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.bodyText).toBe('{"hello":"world"}');
  });

  it("validates against a schema when given one", async () => {
    const { client } = setup(() => ({ body: { id: 5 } }));
    await expect(
      client.request("GET", "/api/v4/users/me", { schema: schemas.User, validation: "strict" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("can read text or bytes, and send no token", async () => {
    const { client, transport } = setup(() => ({ body: "plain text", headers: { "content-type": "text/plain" } }));
    await expect(client.request("GET", "/metrics", { response: "text", auth: false })).resolves.toBe("plain text");
    expect(transport.requests[0].headers.authorization).toBeUndefined();
    const bytes = await client.request<Uint8Array>("GET", "/x", { response: "binary" });
    expect(bytes).toBeInstanceOf(Uint8Array);
  });

  it("refuses a bad method or a relative path", () => {
    const { client } = setup(() => ({ body: {} }));
    expect(() => client.request("FETCH" as "GET", "/x")).toThrow(/unknown HTTP method "FETCH"/);
    expect(() => client.request("GET", "api/v4/users")).toThrow(/path must start with \//);
  });
});
