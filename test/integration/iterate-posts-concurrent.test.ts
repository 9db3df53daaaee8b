/**
 * iterPostsForChannel against the fake server while others post and delete: the walk goes by `before=<post id>`, so
 * posts made or deleted meanwhile neither repeat older ones nor shift them out of reach (as numbered pages do), and
 * posts sharing a millisecond (the fake's clock frozen, as on a busy server) are neither skipped by the server's
 * strict `before` nor yielded twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

let server: TestServer;
let admin: AsyncClient;

beforeAll(async () => {
  server = await createTestServer();
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
});
afterAll(async () => {
  server?.faults.freezeClock(false);
  await admin?.close();
  await server?.close();
});

async function newChannel(name: string): Promise<string> {
  const channel = await admin.channels.createChannel({ team_id: server.team.id, name, display_name: name, type: "O" });
  return channel.id;
}

/** Posts `count` messages, all in one millisecond when `sameMs`; returns their ids. */
async function post(channelId: string, prefix: string, count: number, sameMs: boolean): Promise<string[]> {
  const ids: string[] = [];
  if (sameMs) server.faults.freezeClock(true);
  try {
    for (let i = 0; i < count; i++)
      ids.push((await admin.posts.createPost({ channel_id: channelId, message: `${prefix}-${i}` })).id);
  } finally {
    if (sameMs) server.faults.freezeClock(false);
  }
  return ids;
}

describe("the fake's `before` and `after`", () => {
  it("compare create_at strictly, as the server's getPostsAround", async () => {
    const channel = await newChannel("strict-before");
    const [older] = await post(channel, "older", 1, false);
    const same = await post(channel, "same", 3, true);
    const [newer] = await post(channel, "newer", 1, false);
    const before = await admin.posts.getPostsForChannel(channel, { before: same[1] });
    expect(before.order).toEqual([older]);
    const after = await admin.posts.getPostsForChannel(channel, { after: same[1] });
    expect(after.order).toEqual([newer]);
    // A valid id that names no post matches nothing (the subquery finds no CreateAt).
    const none = await admin.posts.getPostsForChannel(channel, { before: "a".repeat(26) });
    expect(none.order).toEqual([]);
  });
});

describe("iterPostsForChannel while others post", () => {
  it("yields each post once and every post that existed before it began", async () => {
    const channel = await newChannel("busy");
    // Runs of 1 to 6 posts in one millisecond, so that page boundaries (per_page 7) fall inside them.
    const existing: string[] = [];
    for (let run = 0; run < 24; run++)
      existing.push(...(await post(channel, `old${run}`, (run % 6) + 1, run % 2 === 0)));

    let writing = true;
    let written = 0;
    // A writer posting all along, in bursts that share a millisecond now and then.
    const writer = (async () => {
      for (let burst = 0; writing; burst++) written += (await post(channel, `new${burst}`, 3, burst % 2 === 0)).length;
    })();

    const yielded: string[] = [];
    let between = 0;
    try {
      for await (const p of admin.posts.iterPostsForChannel(channel, { per_page: 7 })) {
        yielded.push(p.id);
        // And between pages for sure, every 5 read: posts in one millisecond, and two posts already read deleted
        // (numbered pages would then shift up and skip posts; a `before` cursor does not move).
        if (yielded.length % 5 === 0) {
          between += (await post(channel, `mid${yielded.length}`, 2, true)).length;
          for (const id of yielded.slice(-4, -2)) await admin.posts.deletePost(id);
        }
      }
    } finally {
      writing = false;
      await writer;
    }

    expect(between).toBeGreaterThan(0);
    expect(written).toBeGreaterThan(0);
    expect(yielded.length).toBe(new Set(yielded).size);
    const seen = new Set(yielded);
    expect(existing.filter((id) => !seen.has(id))).toEqual([]);
    // Nothing but this channel's posts.
    const all = new Set((await admin.posts.getPostsForChannel(channel, { since: 1 })).order);
    expect(yielded.filter((id) => !all.has(id))).toEqual([]);
  });

  it("pages past more posts of one millisecond than a page holds", async () => {
    const channel = await newChannel("one-ms");
    const ids = [
      ...(await post(channel, "a", 2, false)),
      ...(await post(channel, "b", 12, true)),
      ...(await post(channel, "c", 2, false)),
    ];
    const yielded: string[] = [];
    for await (const p of admin.posts.iterPostsForChannel(channel, { per_page: 5 })) yielded.push(p.id);
    expect([...yielded].sort()).toEqual([...ids].sort());
  });
});
