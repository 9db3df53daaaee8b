/**
 * The modular entry (matterapi/core + matterapi/operations) against the fake server over real sockets: calls with
 * path parameters, bodies, queries and iterators, errors, validation in both modules, the escape hatch, the event
 * stream, password sessions, and a clear error for a first argument that is not a client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient } from "../../src/index.js";
import {
  type ClientOptions,
  type CoreClient,
  createClient,
  InvalidOrMissingParameters,
  ResourceNotFound,
  request,
  UsageError,
  ValidationError,
  type ValidationIssue,
  websocket,
} from "../../src/modular/core.js";
import {
  createPost,
  createTeam,
  getAllChannels,
  getTeamByName,
  getTeamsForUser,
  getUser,
  getUsersByIds,
  iterUsers,
} from "../../src/modular/operations.js";
import * as unvalidated from "../../src/modular/operations-unvalidated.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { caught } from "../helpers/caught.js";

let server: TestServer;
const clients: { close(): Promise<void> }[] = [];
const client = (options: Partial<ClientOptions> = {}): CoreClient => {
  const c = createClient({ url: server.url, auth: { token: server.admin.token }, validation: "strict", ...options });
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

describe("matterapi/operations on a client of matterapi/core", () => {
  it("calls operations with path parameters, bodies, queries and iterators", async () => {
    const admin = client();
    const me = await getUser(admin, "me");
    expect(me.username).toBe(server.admin.username);
    expect((await getTeamByName(admin, server.team.name)).id).toBe(server.team.id);
    const channels = await getAllChannels(admin, { per_page: 20 });
    expect(channels.map((c) => c.name)).toContain("town-square");
    const users = await getUsersByIds(admin, [server.user.id, server.admin.id]);
    expect(users.map((u) => u.id).sort()).toEqual([server.user.id, server.admin.id].sort());
    const post = await createPost(admin, { channel_id: server.channels.general.id, message: "modular" });
    expect(post.message).toBe("modular");
    const usernames: string[] = [];
    for await (const user of iterUsers(admin, { per_page: 2 })) usernames.push(user.username);
    expect(usernames).toContain(server.user.username);
    expect(usernames.length).toBeGreaterThan(2);
    const { data, response } = await getUser(admin, "me").withResponse();
    expect(data.id).toBe(me.id);
    expect(response.status).toBe(200);
  });

  it("fails as the AsyncClient does: the server's error classes and ids", async () => {
    const admin = client();
    const missing = await caught(getUser(admin, "x".repeat(26)));
    expect(missing).toBeInstanceOf(ResourceNotFound);
    const duplicate = await caught(createTeam(admin, { name: server.team.name, display_name: "Again", type: "O" }));
    expect(duplicate).toBeInstanceOf(InvalidOrMissingParameters);
    expect(duplicate.id).toBe("store.sql_team.save_team.existing.app_error");
    // A body the spec requires is refused before anything is sent.
    const noBody = await caught(createTeam(admin, undefined as never));
    expect(noBody).toBeInstanceOf(UsageError);
  });

  it("checks answers against the operation's schema; the unvalidated module does not", async () => {
    const wrong = { id: 42, username: ["not", "a", "string"] };
    server.faults.next(1, { status: 200, body: wrong }, { path: "/api/v4/users/me" });
    const failure = await caught(getUser(client(), "me"));
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure.message).toMatch(/GetUser does not match User at \/id/);

    const issues: ValidationIssue[] = [];
    server.faults.next(1, { status: 200, body: wrong }, { path: "/api/v4/users/me" });
    const lenient = client({ validation: "lenient", onValidationIssue: (issue) => issues.push(issue) });
    expect(await getUser(lenient, "me")).toEqual(wrong);
    expect(issues.map((issue) => issue.path)).toContain("/id");

    server.faults.next(1, { status: 200, body: wrong }, { path: "/api/v4/users/me" });
    expect(await unvalidated.getUser(client(), "me")).toEqual(wrong);
    expect((await unvalidated.getUser(client(), "me")).username).toBe(server.admin.username);
  });

  it("runs on an AsyncClient too, and names the mistake when the first argument is not a client", async () => {
    const full = new AsyncClient({ url: server.url, auth: { token: server.user.token } });
    clients.push(full);
    expect((await getUser(full, "me")).username).toBe(server.user.username);
    for (const notAClient of [undefined, null, {}, "me"]) {
      expect(() => getUser(notAClient as never, "me")).toThrow(
        /GetUser: the first argument must be a client \(createClient\(\) from matterapi\/core/,
      );
    }
  });

  it("logs in once with a password, reuses the session, and logs out on close", async () => {
    const before = { ...server.stats };
    const password = createClient({
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password },
    });
    await Promise.all([getUser(password, "me"), getUser(password, "me"), getTeamsForUser(password, "me")]);
    expect(password.token).toEqual(expect.any(String));
    expect(server.stats.logins - before.logins).toBe(1);
    await password.close();
    expect(server.stats.logouts - before.logouts).toBe(1);
    expect(await caught(getUser(password, "me"))).toBeInstanceOf(UsageError);
  });

  it("has the escape hatch and the event stream", async () => {
    const admin = client();
    expect(await request<{ status: string }>(admin, "GET", "/api/v4/system/ping", { auth: false })).toMatchObject({
      status: "OK",
    });
    const ws = websocket(admin);
    await ws.connect();
    expect(ws.state).toBe("open");
    const posted = new Promise<string>((resolve) => ws.on("posted", (event) => resolve(event.data.post.message)));
    await createPost(admin, { channel_id: server.channels.general.id, message: "over the stream" });
    expect(await posted).toBe("over the stream");
    await admin.close(); // closes the stream too
    expect(ws.state).toBe("closed");
  });
});
