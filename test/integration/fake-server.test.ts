/**
 * The fake server (matterapi/testing) through the real client over real sockets: its behaviour, its answers
 * checked against the spec, and the client's sessions, re-login, uploads and fault handling against it.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiError,
  AsyncClient,
  ConnectionError,
  InternalServerError,
  InvalidOrMissingParameters,
  NoAccessTokenProvided,
  NotEnoughPermissions,
  RequestTimeoutError,
  ResourceNotFound,
  TooManyRequests,
} from "../../src/index.js";
import { createTestServer, type TestServer, totp } from "../../src/testing/index.js";
import { caught } from "../helpers/caught.js";

let server: TestServer;
const clients: AsyncClient[] = [];
const client = (options: Partial<ConstructorParameters<typeof AsyncClient>[0]> = {}) => {
  const c = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, validation: "strict", ...options });
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

describe("the fake server's seed and its REST surface", () => {
  it("is seeded with an admin, a user, an MFA user, a bot, a team and channels", async () => {
    const admin = client();
    expect((await admin.users.getUser("me")).username).toBe(server.admin.username);
    expect((await client({ auth: { token: server.user.token } }).users.getUser("me")).roles).toBe("system_user");
    expect((await client({ auth: { token: server.bot.token } }).users.getUser("me")).is_bot).toBe(true);
    expect((await admin.teams.getTeamByName(server.team.name)).id).toBe(server.team.id);
    const channels = await admin.channels.getAllChannels({ per_page: 20 });
    expect(channels.map((c) => c.name).sort()).toEqual(["general", "off-topic", "town-square", "war-room"]);
  });

  it("answers errors with the server's statuses and ids", async () => {
    const admin = client();
    const team = await caught(admin.teams.createTeam({ name: server.team.name, display_name: "Again", type: "O" }));
    expect(team).toBeInstanceOf(InvalidOrMissingParameters);
    expect(team.id).toBe("store.sql_team.save_team.existing.app_error");
    expect(team.body).toMatchObject({ status_code: 400, message: "A team with this URL already exists." });
    const badName = await caught(admin.teams.createTeam({ name: "X!", display_name: "x", type: "O" }));
    expect(badName.id).toBe("model.team.is_valid.characters.app_error");
    const channel = await caught(
      admin.channels.createChannel({ team_id: server.team.id, name: "general", display_name: "General", type: "O" }),
    );
    expect(channel.id).toBe("store.sql_channel.save_channel.exists.app_error");
    const missingUser = await caught(admin.users.getUser("aaaaaaaaaaaaaaaaaaaaaaaaaa"));
    expect(missingUser).toBeInstanceOf(ResourceNotFound);
    expect(missingUser.id).toBe("app.user.missing_account.const");
    expect((await caught(admin.users.getUser("not-an-id"))).id).toBe("api.context.invalid_url_param.app_error");
    expect((await caught(admin.teams.getTeamByName("nope"))).id).toBe("app.team.get_by_name.missing.app_error");
    const noSession = await caught(client({ auth: { token: "wrong" } }).users.getUser("me"));
    expect(noSession).toBeInstanceOf(NoAccessTokenProvided);
    expect(noSession.id).toBe("api.context.session_expired.app_error");
    const forbidden = await caught(client({ auth: { token: server.user.token } }).plugins.getPlugins());
    expect(forbidden).toBeInstanceOf(NotEnoughPermissions);
    expect(forbidden.id).toBe("api.context.permissions.app_error");
  });

  it("answers 501 naming the operation it does not implement, and 404 for a path the API lacks", async () => {
    const admin = client();
    const error = await caught(admin.bots.getBots());
    expect(error.status).toBe(501);
    expect(error.id).toBe("matterapi.testing.not_implemented");
    expect(error.message).toContain("GetBots (GET /api/v4/bots)");
    const missing = await caught(admin.request("GET", "/api/v4/no/such/thing"));
    expect(missing.id).toBe("api.context.404.app_error");
  });

  it("logs in with password and MFA, and refuses a bad password or code with the server's ids", async () => {
    const mfa = server.mfaUser;
    const ok = client({ auth: { loginId: mfa.username, password: mfa.password, mfaToken: totp(mfa.mfaSecret) } });
    expect((await ok.users.getUser("me")).username).toBe(mfa.username);
    const wrong = await caught(client({ auth: { loginId: mfa.username, password: "nope" } }).users.getUser("me"));
    expect(wrong.id).toBe("api.user.login.invalid_credentials_email_username");
    const noCode = await caught(
      client({ auth: { loginId: mfa.username, password: mfa.password } }).users.getUser("me"),
    );
    expect(noCode.id).toBe("mfa.validate_token.authenticate.app_error");
    const badCode = await caught(
      client({ auth: { loginId: mfa.username, password: mfa.password, mfaToken: "000000" } }).users.getUser("me"),
    );
    expect(badCode.id).toBe("api.user.check_user_mfa.bad_code.app_error");
    const check = await client().users.checkUserMfa({ login_id: mfa.username });
    expect(check.mfa_required).toBe(true);
  });

  it("keeps users, personal access tokens, statuses and preferences", async () => {
    const admin = client();
    const created = await admin.users.createUser({
      username: "luke",
      email: "luke@example.com",
      password: "Secret-123!",
    });
    expect((await admin.users.getUserByUsername("luke")).id).toBe(created.id);
    expect((await admin.users.searchUsers({ term: "lu" })).map((u) => u.username)).toEqual(["luke"]);
    expect((await admin.users.getUsersByIds([created.id]))[0].email).toBe("luke@example.com");
    const luke = client({ auth: { loginId: "luke", password: "Secret-123!" } });
    const token = await luke.users.createUserAccessToken(created.id, { description: "ci" });
    expect(token.token).toMatch(/^[a-z0-9]{26}$/);
    const viaToken = client({ auth: { token: token.token ?? "" } });
    expect((await viaToken.users.getUser("me")).username).toBe("luke");
    expect((await luke.users.getUserAccessTokensForUser(created.id)).map((t) => t.description)).toEqual(["ci"]);
    await luke.users.revokeUserAccessToken({ token_id: token.id ?? "" });
    expect(await caught(viaToken.users.getUser("me"))).toBeInstanceOf(NoAccessTokenProvided);

    await luke.status.updateUserStatus(created.id, { user_id: created.id, status: "dnd" });
    expect((await admin.status.getUserStatus(created.id)).status).toBe("dnd");
    expect((await admin.status.getUsersStatusesByIds([created.id]))[0].status).toBe("dnd");
    await luke.preferences.updatePreferences(created.id, [
      { user_id: created.id, category: "display_settings", name: "use_military_time", value: "true" },
    ]);
    expect(await luke.preferences.getPreferences(created.id)).toEqual([
      { user_id: created.id, category: "display_settings", name: "use_military_time", value: "true" },
    ]);
    await luke.preferences.deletePreferences(created.id, [
      { user_id: created.id, category: "display_settings", name: "use_military_time", value: "" },
    ]);
    expect(await luke.preferences.getPreferences(created.id)).toEqual([]);
  });

  it("keeps teams, channels, members and direct channels", async () => {
    const admin = client();
    const team = await admin.teams.createTeam({ name: "alliance", display_name: "Alliance", type: "I" });
    expect((await admin.teams.getTeam(team.id)).display_name).toBe("Alliance");
    await admin.teams.addTeamMember(team.id, { team_id: team.id, user_id: server.user.id });
    expect((await admin.teams.getTeamMembers(team.id)).map((m) => m.user_id).sort()).toEqual(
      [server.admin.id, server.user.id].sort(),
    );
    const priv = await admin.channels.createChannel({
      team_id: team.id,
      name: "secret",
      display_name: "Secret",
      type: "P",
    });
    expect((await admin.channels.getChannelByName(team.id, "secret")).id).toBe(priv.id);
    await admin.channels.addChannelMember(priv.id, { user_id: server.user.id });
    expect((await admin.channels.getChannelMembers(priv.id)).length).toBe(2);
    const dm = await admin.channels.createDirectChannel([server.admin.id, server.user.id]);
    expect(dm.type).toBe("D");
    expect(dm.name).toBe([server.admin.id, server.user.id].sort().join("__"));
    expect((await admin.channels.createDirectChannel([server.user.id, server.admin.id])).id).toBe(dm.id);
    const mine = await client({ auth: { token: server.user.token } }).channels.getChannelsForTeamForUser("me", team.id);
    expect(mine.map((c) => c.name).sort()).toEqual([dm.name, "off-topic", "secret", "town-square"].sort());
  });

  it("keeps posts: PostList order and paging, edit, patch, delete, threads, reactions", async () => {
    const admin = client();
    const channel = server.channels.offTopic.id;
    const created = [];
    for (let i = 0; i < 7; i++)
      created.push(await admin.posts.createPost({ channel_id: channel, message: `post ${i}` }));
    const first = await admin.posts.getPostsForChannel(channel, { page: 0, per_page: 3 });
    expect(first.order).toEqual([created[6].id, created[5].id, created[4].id]);
    expect(first.prev_post_id).toBe(created[3].id);
    const second = await admin.posts.getPostsForChannel(channel, { page: 1, per_page: 3 });
    expect(second.order).toEqual([created[3].id, created[2].id, created[1].id]);
    const all: string[] = [];
    for await (const post of admin.posts.iterPostsForChannel(channel, { per_page: 3 })) all.push(post.message);
    expect(all).toEqual(created.map((p) => p.message).reverse());

    const edited = await admin.posts.updatePost(created[0].id, { id: created[0].id, message: "edited" });
    expect(edited.edit_at).toBeGreaterThan(0);
    expect((await admin.posts.patchPost(created[0].id, { is_pinned: true })).is_pinned).toBe(true);
    const reply = await admin.posts.createPost({ channel_id: channel, message: "a reply", root_id: created[0].id });
    const thread = await admin.posts.getPostThread(reply.id);
    expect(thread.order.sort()).toEqual([created[0].id, reply.id].sort());

    await admin.reactions.saveReaction({
      user_id: server.admin.id,
      post_id: reply.id,
      emoji_name: "tada",
      create_at: 0,
    });
    expect((await admin.reactions.getReactions(reply.id)).map((r) => r.emoji_name)).toEqual(["tada"]);
    expect((await admin.posts.getPost(reply.id)).metadata?.reactions?.length).toBe(1);
    await admin.reactions.deleteReaction(server.admin.id, reply.id, "tada");
    expect(await admin.reactions.getReactions(reply.id)).toEqual([]);

    const other = client({ auth: { token: server.user.token } });
    expect(await caught(other.posts.patchPost(created[1].id, { message: "not mine" }))).toBeInstanceOf(
      NotEnoughPermissions,
    );
    await admin.posts.deletePost(created[1].id);
    expect((await caught(admin.posts.getPost(created[1].id))).id).toBe("app.post.get.app_error");
  });

  it("serves the posts report by its body cursor to system admins: every post once, in the order asked", async () => {
    const admin = client();
    const channel = await admin.channels.createChannel({
      team_id: server.team.id,
      name: "report-room",
      display_name: "Report room",
      type: "O",
    });
    const made: string[] = [];
    for (let i = 0; i < 25; i++)
      made.push((await admin.posts.createPost({ channel_id: channel.id, message: `r${i}` })).id);
    await admin.posts.patchPost(made[3], { message: "edited last" });

    const ascending: string[] = [];
    for await (const post of admin.reports.iterPostsForReporting({ channel_id: channel.id, per_page: 10 })) {
      ascending.push(post.id);
    }
    expect(ascending).toEqual(made);
    const bodies = server.served.get("GetPostsForReporting");
    expect(bodies).toBeGreaterThanOrEqual(3);

    const byEdit: string[] = [];
    const newestEdits = {
      channel_id: channel.id,
      per_page: 7,
      time_field: "update_at",
      sort_direction: "desc",
    } as const;
    for await (const post of admin.reports.iterPostsForReporting(newestEdits)) byEdit.push(post.id);
    expect(byEdit[0]).toBe(made[3]);
    expect([...byEdit].sort()).toEqual([...made].sort());

    const user = client({ auth: { token: server.user.token } });
    expect(await caught(user.reports.getPostsForReporting({ channel_id: channel.id }))).toBeInstanceOf(
      NotEnoughPermissions,
    );
    expect(await caught(admin.reports.getPostsForReporting({ channel_id: channel.id, per_page: 1001 }))).toMatchObject({
      status: 400,
      id: "api.post.get_posts_for_reporting.invalid_per_page",
    });
    expect(
      await caught(admin.reports.getPostsForReporting({ channel_id: channel.id, cursor: "nonsense" })),
    ).toBeInstanceOf(InvalidOrMissingParameters);
  });

  it("answers only JSON that passes strict validation against the spec, for every operation it implements", async () => {
    // Every test of this file runs its client in strict mode; the server also checks each of its own answers.
    const admin = client();
    await admin.system.getPing();
    await admin.users.getUsers({ per_page: 5 });
    await admin.users.getUsersByUsernames([server.user.username]);
    await admin.teams.getAllTeams();
    await admin.teams.getTeamsForUser("me");
    await admin.teams.getTeamMember(server.team.id, server.user.id);
    await admin.channels.getPublicChannelsForTeam(server.team.id);
    await admin.channels.getChannel(server.channels.general.id);
    await admin.channels.getChannelMember(server.channels.general.id, server.user.id);
    await admin.preferences.getPreferencesByCategory("me", "display_settings");
    await admin.users.getSessions("me");
    await admin.bots.getBot(server.bot.id);
    const [token] = await admin.users.getUserAccessTokensForUser("me");
    await admin.users.getUserAccessToken(token.id ?? "");
    await admin.users.logout();
    const uploaded = await admin.files.uploadFile({ channel_id: server.channels.general.id, files: { "i.png": PNG } });
    const id = uploaded.file_infos?.[0].id ?? "";
    await admin.files.getFileInfo(id);
    await admin.files.getFile(id);
    await admin.files.getFileThumbnail(id);
    await admin.files.getFilePreview(id);
    const post = await admin.posts.createPost({ channel_id: server.channels.general.id, message: "x", file_ids: [id] });
    await admin.posts.getFileInfosForPost(post.id);
    // The integration routes (commands, webhooks, actions, dialogs) need receivers of their own: their tests are
    // test/integration/fake-integrations-*.test.ts.
    const integrations = new Set([
      "CreateCommand",
      "GetCommandById",
      "DeleteCommand",
      "RegenCommandToken",
      "ExecuteCommand",
      "DoPostAction",
      "OpenInteractiveDialog",
      "SubmitInteractiveDialog",
      "CreateOutgoingWebhook",
      "GetOutgoingWebhook",
      "DeleteOutgoingWebhook",
      "CreateIncomingWebhook",
      "GetIncomingWebhook",
      "CommandWebhook",
      "IncomingWebhookPost",
    ]);
    expect([...server.implemented].filter((op) => !server.served.has(op) && !integrations.has(op))).toEqual([]);
    expect(server.invalidResponses).toEqual([]);
  });
});

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

describe("the client against the fake server", () => {
  it("a session logs in once, reuses its connections, and logs out when disposed", async () => {
    const before = { ...server.stats };
    const c = client({ auth: { loginId: server.user.username, password: server.user.password } });
    let token: string | undefined;
    await c.session(async (s) => {
      for (let i = 0; i < 25; i++) await s.users.getUser("me");
      token = s.token;
    });
    expect(server.stats.logins - before.logins).toBe(1);
    expect(server.stats.logouts - before.logouts).toBe(1);
    expect(server.stats.connections - before.connections).toBeLessThanOrEqual(2);
    expect(server.stats.requests - before.requests).toBe(27); // login + 25 calls + logout
    expect(token && server.store.sessions.has(token)).toBe(false);
  });

  it("a client without a session also logs in only once", async () => {
    const before = server.stats.logins;
    const c = client({ auth: { loginId: server.user.username, password: server.user.password } });
    await Promise.all(Array.from({ length: 10 }, () => c.users.getUser("me")));
    for (let i = 0; i < 10; i++) await c.teams.getTeamsForUser("me");
    expect(server.stats.logins - before).toBe(1);
  });

  it("an expired session on a password client: one re-login, and the call succeeds", async () => {
    const c = client({ auth: { loginId: server.user.username, password: server.user.password } });
    await c.users.getUser("me");
    const before = server.stats.logins;
    server.faults.expireSession(c.token);
    expect((await c.users.getUser("me")).username).toBe(server.user.username);
    expect(server.stats.logins - before).toBe(1);
  });

  it("uploads several files with their exact bytes, and downloads them back", async () => {
    const c = client();
    const files = { "one.bin": randomBytes(1024 * 1024), "two.png": PNG, "three.txt": Buffer.from("hello, world\n") };
    const up = await c.files.uploadFile({ channel_id: server.channels.general.id, files, client_ids: ["a", "b", "c"] });
    expect(up.client_ids).toEqual(["a", "b", "c"]);
    expect(up.file_infos?.map((f) => [f.name, f.size])).toEqual(Object.entries(files).map(([n, b]) => [n, b.length]));
    for (const [i, bytes] of Object.values(files).entries()) {
      const down = await c.files.getFile(up.file_infos?.[i].id ?? "");
      expect(Buffer.from(down).equals(bytes)).toBe(true);
    }
    expect(up.file_infos?.[1]).toMatchObject({ mime_type: "image/png", width: 1, height: 1, has_preview_image: true });
  });

  describe("faults", () => {
    const errors: Error[] = [];
    const record = async (promise: Promise<unknown>) => {
      const error = await caught(promise);
      errors.push(error);
      return error;
    };

    it("a 429 with Retry-After is retried after the wait", async () => {
      const c = client();
      server.faults.next(1, { status: 429, retryAfter: 1 }, { path: "/api/v4/users/me" });
      const started = performance.now();
      expect((await c.users.getUser("me")).username).toBe(server.admin.username);
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    });

    it("a 429 longer than maxRetryDelay fails with TooManyRequests and its wait", async () => {
      const c = client({ maxRetryDelay: 500 });
      server.faults.next(1, { status: 429, retryAfter: 30 }, { path: "/api/v4/users/me" });
      const error = await record(c.users.getUser("me"));
      expect(error).toBeInstanceOf(TooManyRequests);
      expect(error.retryAfter).toBe(30);
      expect(error.message).toContain("limit exceeded");
    });

    it("a 503 on a GET is retried; on a POST it is not, and carries the server's body", async () => {
      const c = client();
      server.faults.next(1, { status: 503 }, { method: "GET", path: "/api/v4/users/me" });
      expect((await c.users.getUser("me")).username).toBe(server.admin.username);
      server.faults.next(1, { status: 503 }, { method: "POST", path: "/api/v4/posts" });
      const before = server.stats.requests;
      const error = (await record(
        c.posts.createPost({ channel_id: server.channels.general.id, message: "once" }),
      )) as ApiError;
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.id).toBe("matterapi.testing.fault");
      expect(error.body?.status_code).toBe(503);
      expect(server.stats.requests - before).toBe(1);
    });

    it("a connection dropped mid-answer is retried for a GET, not for a POST", async () => {
      const c = client();
      server.faults.next(1, { drop: "mid-answer" }, { path: "/api/v4/users/me" });
      expect((await c.users.getUser("me")).username).toBe(server.admin.username);
      server.faults.next(1, { drop: "before-answer" }, { method: "POST", path: "/api/v4/posts" });
      const error = await record(c.posts.createPost({ channel_id: server.channels.general.id, message: "lost" }));
      expect(error).toBeInstanceOf(ConnectionError);
    });

    it("a slow answer fires the timeout", async () => {
      const c = client({ timeout: 300, maxRetries: 0 });
      server.faults.next(1, { delay: 2500 }, { path: "/api/v4/users/me" });
      expect(await record(c.users.getUser("me"))).toBeInstanceOf(RequestTimeoutError);
    });

    it("no token appears in any error", async () => {
      const tokens = [server.admin.token, server.user.token, server.bot.token];
      expect(errors.length).toBeGreaterThanOrEqual(4);
      for (const error of errors) {
        const text = `${error.message} ${JSON.stringify(error)} ${error.stack}`;
        for (const token of tokens) expect(text).not.toContain(token);
      }
    });
  });
});
