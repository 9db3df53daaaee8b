/**
 * The post-list iterators: a channel's posts walked by `before=<post id>` with the cursor chosen so that posts
 * sharing a millisecond are neither skipped (the server's `before` compares create_at strictly) nor repeated.
 */
import { describe, expect, it } from "vitest";
import { nextPostCursor, POST_PAGE_MAX } from "../../src/core/post-cursor.js";
import { AsyncClient, MatterapiError, UsageError } from "../../src/index.js";
import { FakeTransport, type Recorded } from "../helpers/fake-transport.js";

interface P {
  id: string;
  create_at: number;
  message: string;
}

const post = (id: string, createAt: number): P => ({ id, create_at: createAt, message: `m-${id}` });

/** A post id of the server's form (26 characters). */
const idOf = (n: number) => `p${String(n).padStart(25, "0")}`;

/**
 * GET /channels/{id}/posts as the server answers it: newest first, `before` keeps create_at strictly below the cursor
 * post's (sqlstore getPostsAround), then page/per_page (at most 200) as an offset.
 */
function channelServer(posts: () => P[], seen: Recorded[] = []) {
  return (req: Recorded) => {
    seen.push(req);
    const q = new URL(req.url).searchParams;
    const perPage = Math.min(Number(q.get("per_page") ?? 60), POST_PAGE_MAX);
    const page = Number(q.get("page") ?? 0);
    let all = [...posts()].sort((a, b) => b.create_at - a.create_at);
    const before = q.get("before");
    if (before) {
      const at = posts().find((p) => p.id === before)?.create_at;
      all = at === undefined ? [] : all.filter((p) => p.create_at < at);
    }
    const slice = all.slice(page * perPage, (page + 1) * perPage);
    return {
      body: {
        order: slice.map((p) => p.id),
        posts: Object.fromEntries(slice.map((p) => [p.id, p])),
        next_post_id: "",
        prev_post_id: "",
      },
    };
  };
}

function client(handler: (req: Recorded) => { body: unknown }) {
  const transport = new FakeTransport(handler);
  return {
    transport,
    client: new AsyncClient({ url: "https://c.example", auth: { token: "t" }, transport, validation: "off" }),
  };
}

async function collect(iterable: AsyncIterable<{ id: string }>): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of iterable) ids.push(item.id);
  return ids;
}

describe("nextPostCursor", () => {
  it("picks the oldest post of a newer millisecond than the page's oldest", () => {
    const page = [post("a", 50), post("b", 40), post("c", 40), post("d", 30), post("e", 30)];
    const next = nextPostCursor(page);
    // Either post of millisecond 40 will do: `before` keeps what is strictly older than 40, so d and e come again.
    expect(next).toMatchObject({ oldest: 30 });
    expect(["b", "c"]).toContain((next as { before: string }).before);
  });

  it("picks a post of the next millisecond even when the page is not sorted", () => {
    const page = [post("d", 30), post("a", 50), post("b", 41), post("c", 40)];
    expect(nextPostCursor(page)).toEqual({ before: "c", oldest: 30 });
  });

  it("asks for a larger page when the whole page is one millisecond", () => {
    expect(nextPostCursor([post("a", 7), post("b", 7), post("c", 7)])).toEqual({ grow: true, oldest: 7 });
    expect(nextPostCursor([post("a", 7)])).toEqual({ grow: true, oldest: 7 });
  });
});

describe("iterPostsForChannel", () => {
  it("walks by `before`, re-reading the oldest millisecond of each page and yielding each post once", async () => {
    // Pairs and triples of posts in one millisecond, so that page boundaries (per_page 4) fall inside them.
    const times = [100, 100, 99, 98, 98, 98, 97, 96, 96, 95, 94, 94, 94, 94, 93, 92, 91, 91];
    const posts = times.map((t, i) => post(idOf(i), t));
    const seen: Recorded[] = [];
    const { client: c } = client(channelServer(() => posts, seen));
    const ids = await collect(c.posts.iterPostsForChannel("chan", { per_page: 4 }));
    expect(ids.sort()).toEqual(posts.map((p) => p.id).sort());
    expect(new Set(ids).size).toBe(ids.length);
    const queries = seen.map((r) => new URL(r.url).searchParams);
    expect(queries[0].get("before")).toBeNull(); // the newest page first
    for (const q of queries.slice(1)) {
      expect(q.get("before")).toMatch(/^p\d+$/);
      expect(q.get("page")).toBeNull(); // an offset would apply after the cursor too
    }
  });

  it("yields newest first", async () => {
    const posts = [post(idOf(1), 10), post(idOf(2), 20), post(idOf(3), 30), post(idOf(4), 40), post(idOf(5), 50)];
    const { client: c } = client(channelServer(() => posts));
    const times: number[] = [];
    for await (const p of c.posts.iterPostsForChannel("chan", { per_page: 2 })) times.push(p.create_at);
    expect(times).toEqual([50, 40, 30, 20, 10]);
  });

  it("grows per_page when a whole page is one millisecond, and goes on past it", async () => {
    const posts = [
      post(idOf(0), 500),
      ...Array.from({ length: 7 }, (_, i) => post(idOf(i + 1), 400)),
      post(idOf(8), 300),
      post(idOf(9), 200),
    ];
    const seen: Recorded[] = [];
    const { client: c } = client(channelServer(() => posts, seen));
    const ids = await collect(c.posts.iterPostsForChannel("chan", { per_page: 3 }));
    expect(ids.sort()).toEqual(posts.map((p) => p.id).sort());
    expect(seen.some((r) => new URL(r.url).searchParams.get("per_page") === String(POST_PAGE_MAX))).toBe(true);
  });

  it("says so when more posts share one millisecond than the server answers at once", async () => {
    const posts = [post(idOf(0), 900), ...Array.from({ length: POST_PAGE_MAX + 1 }, (_, i) => post(idOf(i + 1), 800))];
    const { client: c } = client(channelServer(() => posts));
    const error = await collect(c.posts.iterPostsForChannel("chan", { per_page: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatterapiError);
    expect((error as Error).message).toMatch(/more than 200 posts share the millisecond 800/);
  });

  it("does not repeat or lose posts while others are posted between pages", async () => {
    const posts = Array.from({ length: 30 }, (_, i) => post(idOf(i), 1000 + Math.floor(i / 3)));
    const before = posts.map((p) => p.id);
    let n = 100;
    const { client: c } = client((req) => {
      // Each request, two new posts arrive, one in the same millisecond as the newest.
      const newest = Math.max(...posts.map((p) => p.create_at));
      posts.push(post(idOf(n++), newest), post(idOf(n++), newest + 1));
      return channelServer(() => posts)(req);
    });
    const ids = await collect(c.posts.iterPostsForChannel("chan", { per_page: 4 }));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of before) expect(ids).toContain(id);
  });

  it("fails clearly on a server that ignores `before`", async () => {
    const posts = Array.from({ length: 6 }, (_, i) => post(idOf(i), 100 - i));
    const ignoring = channelServer(() => posts);
    const { client: c } = client((req) => {
      const url = new URL(req.url);
      url.searchParams.delete("before");
      return ignoring({ ...req, url: url.toString() });
    });
    const error = await collect(c.posts.iterPostsForChannel("chan", { per_page: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatterapiError);
    expect((error as Error).message).toMatch(/does not honour `before`/);
  });

  it("refuses `after` and `since`, which the walk cannot follow", async () => {
    const { client: c, transport } = client(channelServer(() => []));
    await expect(collect(c.posts.iterPostsForChannel("chan", { after: idOf(1) }))).rejects.toThrow(UsageError);
    await expect(collect(c.posts.iterPostsForChannel("chan", { since: 5 }))).rejects.toThrow(/call the operation/);
    expect(transport.requests).toHaveLength(0);
  });

  it("fails clearly on a post without a numeric create_at, and on an answer without `order`", async () => {
    const broken = { order: ["x"], posts: { x: { id: "x", create_at: "soon" } } };
    const { client: c } = client(() => ({ body: broken }));
    await expect(collect(c.posts.iterPostsForChannel("chan"))).rejects.toThrow(/numeric create_at/);
    const { client: d } = client(() => ({ body: { posts: {} } }));
    await expect(collect(d.posts.iterPostsForChannel("chan"))).rejects.toThrow(/no `order`/);
  });
});

describe("iterFlaggedPostsForUser (numbered pages)", () => {
  it("drops a post the page before already yielded (posts flagged meanwhile push others down)", async () => {
    const pages = [["a", "b"], ["b", "c"], ["d"]];
    const { client: c } = client((req) => {
      const page = Number(new URL(req.url).searchParams.get("page"));
      const ids = pages[page] ?? [];
      return { body: { order: ids, posts: Object.fromEntries(ids.map((id) => [id, post(id, 1)])) } };
    });
    expect(await collect(c.posts.iterFlaggedPostsForUser("me", { per_page: 2 }))).toEqual(["a", "b", "c", "d"]);
  });
});
