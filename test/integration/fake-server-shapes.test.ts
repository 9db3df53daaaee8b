/**
 * The fake server sends what the server sends: each main record, read through a strict client (every field the
 * generated model requires must be there), has the keys the real server writes for it (test/fixtures/server/,
 * written from the Go structs); the records' Go shapes in src/testing/records/ agree with the extracted facts
 * (spec/server/go-structs.json); and the records events carry are server-shaped too.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type * as M from "../../src/generated/models/index.js";
import { AsyncClient, type ServerEvent } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import * as channels from "../../src/testing/records/channels.js";
import * as posts from "../../src/testing/records/posts.js";
import * as sessions from "../../src/testing/records/sessions.js";
import * as teams from "../../src/testing/records/teams.js";
import * as users from "../../src/testing/records/users.js";
import type { GoShape } from "../../src/testing/records/wire.js";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, ROOT), "utf8"));

/** One answer of test/fixtures/server/, or one element (`name#index`) of a list answer. */
function fixtureKeys(name: string): string[] {
  const [file, index] = name.split("#");
  const body = read(`test/fixtures/server/${file}.json`).body;
  return Object.keys(Array.isArray(body) ? body[Number(index ?? 0)] : body);
}

interface GoField {
  json: string;
  omitempty: boolean;
  pointer?: boolean;
}
const facts: { files: Record<string, { commit: string }>; structs: Record<string, { fields: GoField[] }> } =
  read("spec/server/go-structs.json");
const omitEmpty = (struct: string, key: string) =>
  facts.structs[struct].fields.some((f) => f.json === key && f.omitempty);

let server: TestServer;
const clients: AsyncClient[] = [];
const client = (token: string) => {
  const c = new AsyncClient({ url: server.url, auth: { token }, validation: "strict" });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await createTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

/** A record read through a strict client, the Go struct it comes from, and the fixture with the server's keys. */
interface Case {
  record: string;
  struct: string;
  fixture: string;
  read: () => Promise<unknown>;
  /**
   * The documented exceptions: keys the fixture has and the fake's answer lacks, each with its reason. Each must
   * be omitempty in the Go struct (checked), so the server itself leaves it out when the value is empty, as it is
   * in the fake's seed.
   */
  absent?: Record<string, string>;
}

describe("every main record has the server's keys", () => {
  const cases: Case[] = [];
  let postId = "";
  let pdfId = "";

  beforeAll(async () => {
    // A post with a file and a reaction, like the fixture's: has_reactions and metadata are then written.
    const admin = client(server.admin.token);
    const up = await admin.files.uploadFile({
      channel_id: server.channels.general.id,
      files: { "flight-plan.pdf": Buffer.from("%PDF-1.4\n") },
    });
    pdfId = up.file_infos?.[0].id ?? "";
    const post = await admin.posts.createPost({
      channel_id: server.channels.general.id,
      message: "Flight plan attached #hyperdrive",
      file_ids: [pdfId],
    });
    postId = post.id;
    await admin.reactions.saveReaction({ user_id: server.admin.id, post_id: postId, emoji_name: "tada" });
    await admin.preferences.updatePreferences("me", [
      { user_id: server.admin.id, category: "display_settings", name: "use_military_time", value: "true" },
    ]);
  });

  const admin = () => client(server.admin.token);
  const regular = () => client(server.user.token);
  cases.push(
    {
      record: "user (own)",
      struct: "User",
      fixture: "user",
      read: () => regular().users.getUser("me"),
      absent: {
        props: "the seeded users have no props (an empty map)",
        last_picture_update: "no seeded user uploaded a picture",
        terms_of_service_id: "the fake has no terms of service to accept",
        terms_of_service_create_at: "the fake has no terms of service to accept",
      },
    },
    {
      // users.json#1 is another user seen by a non-admin, without props (SanitizeProfile).
      record: "user (profile)",
      struct: "User",
      fixture: "users#1",
      read: () => regular().users.getUser(server.admin.id),
    },
    {
      record: "team",
      struct: "Team",
      fixture: "team",
      read: () => regular().teams.getTeam(server.team.id),
      absent: { last_team_icon_update: "the seeded team has no icon" },
    },
    {
      record: "channel",
      struct: "Channel",
      fixture: "channel",
      read: () => admin().channels.getChannel(server.channels.general.id),
    },
    {
      record: "channel with team data",
      struct: "Channel",
      fixture: "channels-with-team-data",
      read: async () => (await admin().channels.getAllChannels())[0],
    },
    {
      record: "channel member",
      struct: "ChannelMember",
      fixture: "channel-member",
      read: () => admin().channels.getChannelMember(server.channels.general.id, server.user.id),
    },
    {
      record: "team member",
      struct: "TeamMember",
      fixture: "team-members#0",
      read: () => admin().teams.getTeamMember(server.team.id, server.user.id),
    },
    { record: "post", struct: "Post", fixture: "post", read: () => admin().posts.getPost(postId) },
    {
      record: "post list",
      struct: "PostList",
      fixture: "post-list",
      read: () => admin().posts.getPostsForChannel(server.channels.general.id),
    },
    { record: "file info", struct: "FileInfo", fixture: "file-info", read: () => admin().files.getFileInfo(pdfId) },
    {
      record: "reaction",
      struct: "Reaction",
      fixture: "reactions#0",
      read: async () => (await admin().reactions.getReactions(postId))[0],
    },
    {
      record: "status",
      struct: "Status",
      fixture: "status",
      read: () => admin().status.getUserStatus(server.user.id),
    },
    {
      record: "preference",
      struct: "Preference",
      fixture: "preferences#0",
      read: async () => (await admin().preferences.getPreferences("me"))[0],
    },
    {
      record: "session",
      struct: "Session",
      fixture: "sessions#0",
      read: async () => (await admin().users.getSessions("me"))[0],
    },
    {
      record: "bot",
      struct: "Bot",
      fixture: "bot",
      read: () => admin().bots.getBot(server.bot.id),
      absent: {
        display_name: "the seeded bot has no display name",
        last_icon_update: "the seeded bot has no icon",
      },
    },
    {
      record: "personal access token",
      struct: "UserAccessToken",
      fixture: "user-access-tokens#0",
      read: async () => (await admin().users.getUserAccessTokensForUser("me"))[0],
    },
  );

  it.each(cases.map((c) => [c.record, c] as const))("%s", async (_, c) => {
    // The client is strict: a missing required field or a wrong type would have thrown.
    const answer = (await c.read()) as Record<string, unknown>;
    const absent = c.absent ?? {};
    for (const key of Object.keys(absent)) expect(omitEmpty(c.struct, key), `${key} is omitempty`).toBe(true);
    const expected = fixtureKeys(c.fixture).filter((key) => !(key in absent));
    expect(Object.keys(answer).sort()).toEqual([...expected].sort());
    // Go writes a struct's fields in their order, and so does the fake.
    expect(Object.keys(answer)).toEqual(expected);
  });

  it("answered everything above with no schema mismatch on the server's side either", () => {
    expect(server.invalidResponses).toEqual([]);
  });
});

describe("the records events carry", () => {
  it("posted carries the post as an answer does; every event's records pass the server's own check", async () => {
    const reader = client(server.user.token);
    const ws = reader.websocket();
    const got: ServerEvent<string>[] = [];
    ws.on("*", (e) => got.push(e));
    await ws.connect();
    const admin = client(server.admin.token);
    const waitFor = async (event: string) => {
      const deadline = Date.now() + 5_000;
      while (!got.some((e) => e.event === event) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return got.find((e) => e.event === event);
    };
    const created = await admin.posts.createPost({
      channel_id: server.channels.general.id,
      message: `hello @${server.user.username}`,
    });
    const posted = (await waitFor("posted")) as ServerEvent<"posted">;
    const post = posted.data.post as unknown as Record<string, unknown>;
    expect(post.id).toBe(created.id);
    // A new post has no reactions: the omitempty has_reactions is left out, as by the server.
    expect(omitEmpty("Post", "has_reactions")).toBe(true);
    expect(Object.keys(post)).toEqual(fixtureKeys("post").filter((key) => key !== "has_reactions"));

    // Every other event the fake makes that carries a record; the server checks each against its model.
    await admin.posts.patchPost(created.id, { message: "edited" });
    await admin.reactions.saveReaction({ user_id: server.admin.id, post_id: created.id, emoji_name: "tada" });
    await admin.reactions.deleteReaction(server.admin.id, created.id, "tada");
    await admin.posts.deletePost(created.id);
    const user = client(server.user.token);
    const preference = { user_id: server.user.id, category: "display_settings", name: "colorize_usernames" };
    await user.preferences.updatePreferences("me", [{ ...preference, value: "true" }]);
    await user.preferences.deletePreferences("me", [{ ...preference, value: "true" }]);
    const events = ["post_edited", "reaction_added", "reaction_removed", "post_deleted", "preferences_deleted"];
    for (const event of events) expect(await waitFor(event), event).toBeDefined();
    ws.close();
    expect(server.invalidResponses).toEqual([]);
  });
});

describe("the records' Go shapes", () => {
  const shapes: GoShape<unknown>[] = [
    users.USER,
    users.BOT,
    users.STATUS,
    users.PREFERENCE,
    sessions.SESSION,
    sessions.ACCESS_TOKEN,
    teams.TEAM,
    teams.TEAM_MEMBER,
    channels.CHANNEL,
    channels.CHANNEL_MEMBER,
    posts.POST,
    posts.POST_METADATA,
    posts.POST_LIST,
    posts.FILE_INFO,
    posts.REACTION,
  ] as GoShape<unknown>[];
  /** Struct fields a record leaves out on purpose. */
  const leftOut: Record<string, string[]> = {
    // Kept in the store's secrets; User.Sanitize clears both from every answer.
    User: ["password", "mfa_secret"],
  };

  it.each(shapes.map((s) => [s.struct, s] as const))(
    "%s follows the struct's fields, tags and pointers",
    (_, shape) => {
      const struct = facts.structs[shape.struct];
      expect(facts.files[shape.file].commit).toBe(shape.commit);
      const fromFacts = struct.fields
        .filter((f) => !(leftOut[shape.struct] ?? []).includes(f.json))
        .map((f) => ({ json: f.json, omitempty: f.omitempty, pointer: f.pointer === true }));
      expect(shape.fields).toEqual(fromFacts);
    },
  );
});

// Every field a generated model requires is a field of the record the fake keeps for it (checked by tsc).
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Missing<Record, Model> = Exclude<RequiredKeys<Model>, keyof Record>;
it("records carry every field the generated models require (a type check)", () => {
  expectTypeOf<Missing<users.UserRecord, M.User>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<users.BotRecord, M.Bot>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<users.StatusRecord, M.Status>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<users.PreferenceRecord, M.Preference>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<sessions.SessionRecord, M.Session>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<sessions.AccessTokenRecord, M.UserAccessToken>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<teams.TeamRecord, M.Team>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<teams.TeamMemberRecord, M.TeamMember>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<channels.ChannelRecord, M.Channel>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<channels.ChannelMemberRecord, M.ChannelMember>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<posts.PostRecord, M.Post>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<posts.FileInfoRecord, M.FileInfo>>().toEqualTypeOf<never>();
  expectTypeOf<Missing<posts.ReactionRecord, M.Reaction>>().toEqualTypeOf<never>();
});
