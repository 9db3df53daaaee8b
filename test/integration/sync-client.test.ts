/**
 * The SyncClient against the fake server. The server runs in another process: a SyncClient blocks its thread,
 * so a server on the same thread could never answer.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnyServerEvent,
  type Channel,
  fromPath,
  InvalidOrMissingParameters,
  NotEnoughPermissions,
  ResourceNotFound,
  type ServerEvent,
  SyncClient,
  type Team,
  toFile,
  UsageError,
  ValidationError,
  type ValidationIssue,
} from "../../src/index.js";
import { createTestServer } from "../../src/testing/index.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { ROOT } from "../helpers/spec.js";

let server: ServerProcess;
let sd: SyncClient;

beforeAll(async () => {
  server = await startServerProcess();
  sd = new SyncClient({ url: server.url, auth: { token: server.admin.token } });
});
afterAll(async () => {
  sd?.close();
  await server?.close();
});

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

describe("SyncClient", () => {
  it("runs Python matterapi's sync README flow", () => {
    expect(sd.users.getUser("me").username).toBe(server.admin.username);
    const channels = sd.channels.getAllChannels({ per_page: 20 });
    expect(channels.length).toBeGreaterThan(0);
    const postList = sd.posts.getPostsForChannel(server.channels.general.id);
    for (const id of postList.order) expect(postList.posts[id].id).toBe(id);

    sd.session((api) => {
      expect(api.users.getUser("me").id).toBe(server.admin.id);
      const plugins = api.plugins.getPlugins();
      expect(plugins.active?.[0]?.name).toBe("Calls");
      const newTeam = { name: "rebels", display_name: "Rebels", type: "I" as const };
      let team: Team;
      try {
        team = api.teams.createTeam(newTeam);
      } catch (error) {
        if (!(error instanceof InvalidOrMissingParameters)) throw error;
        team = api.teams.getTeamByName(newTeam.name);
      }
      const newChannel = { team_id: team.id, name: "newchannelname", display_name: "New Channel", type: "O" as const };
      let channel: Channel;
      try {
        channel = api.channels.createChannel(newChannel);
      } catch (error) {
        if (!(error instanceof InvalidOrMissingParameters)) throw error;
        channel = api.channels.getChannelByName(team.id, newChannel.name);
      }
      const fileInfo = api.files.uploadFile({
        channel_id: channel.id,
        files: { "upload1.png": PNG, "upload2.png": new Blob([PNG], { type: "image/png" }) },
      });
      expect(fileInfo.file_infos?.[1].id).toMatch(/^[a-z0-9]{26}$/);
      const post = api.posts.createPost({
        channel_id: channel.id,
        message: "A wild message appears",
        file_ids: (fileInfo.file_infos ?? []).map((info) => info.id),
      });
      expect(post.create_at).toBeGreaterThan(0);
    });
    // The second time the team and the channel exist: the except branch.
    expect(() => sd.teams.createTeam({ name: "rebels", display_name: "Rebels", type: "I" })).toThrow(
      InvalidOrMissingParameters,
    );
  });

  it("throws the same error classes, with the server's body, synchronously", () => {
    let error: unknown;
    try {
      sd.users.getUser("aaaaaaaaaaaaaaaaaaaaaaaaaa");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResourceNotFound);
    expect(error).toMatchObject({ status: 404, id: "app.user.missing_account.const", method: "GET" });
    expect((error as ResourceNotFound).body?.message).toBe("Unable to find the user.");
    expect((error as Error).stack).toContain("sync-client.test.ts");
    const user = new SyncClient({ url: server.url, auth: { token: server.user.token } });
    expect(() => user.plugins.getPlugins()).toThrow(NotEnoughPermissions);
    expect(() => user.users.getUser("")).toThrow(UsageError);
    user.close();
  });

  it("uploads from bytes, Blobs and paths, and downloads bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "matterapi-sync-"));
    writeFileSync(join(dir, "disk.txt"), "from disk");
    const up = sd.files.uploadFile({
      channel_id: server.channels.general.id,
      files: [
        Buffer.from("bytes"),
        new Blob(["blob"]),
        fromPath(join(dir, "disk.txt")),
        toFile(Buffer.from("named"), "named.md"),
      ],
    });
    const downloads = (up.file_infos ?? []).map((info) => sd.files.getFile(info.id));
    expect(downloads.every((d) => Buffer.isBuffer(d))).toBe(true);
    const contents = downloads.map((d) => d.toString());
    expect(contents).toEqual(["bytes", "blob", "from disk", "named"]);
    expect(up.file_infos?.[3].name).toBe("named.md");
    expect(() => sd.files.uploadFile({ channel_id: "c", files: toFile(new Blob(["x"]).stream(), "s.bin") })).toThrow(
      /cannot send a stream/,
    );
  });

  it("takes per-call options, pages through lists, and has the escape hatch", () => {
    expect(() => sd.users.getUser("me", { validation: "strict", timeout: 5000, maxRetries: 0 })).not.toThrow();
    expect(() => sd.users.getUser("me", { signal: new AbortController().signal })).toThrow(
      /cannot take an AbortSignal/,
    );
    const usernames = [...sd.users.iterUsers({ per_page: 2 })].map((u) => u.username);
    expect(usernames).toContain(server.user.username);
    expect(usernames.length).toBeGreaterThan(2);
    expect(sd.request<{ status: string }>("GET", "/api/v4/system/ping", { auth: false }).status).toBe("OK");
  });

  it("reports validation issues to the hook on the calling thread; strict mode throws ValidationError", () => {
    const issues: ValidationIssue[] = [];
    const lenient = new SyncClient({
      url: server.url,
      auth: { token: server.admin.token },
      onValidationIssue: (i) => issues.push(i),
    });
    const schema = { type: "object" as const, properties: { status: { type: "integer" as const } } };
    expect(lenient.request("GET", "/api/v4/system/ping", { schema })).toMatchObject({ status: "OK" });
    expect(issues).toEqual([expect.objectContaining({ path: "/status", expected: "integer", actual: "string" })]);
    expect(() => lenient.request("GET", "/api/v4/system/ping", { schema, validation: "strict" })).toThrow(
      ValidationError,
    );
    lenient.close();
  });

  it("sessions log in once and log out on close, with `using` and with a callback", async () => {
    const before = await server.command<{ logins: number; logouts: number }>("stats");
    const password = new SyncClient({
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password },
    });
    {
      using s = password.session();
      for (let i = 0; i < 5; i++) s.users.getUser("me");
    }
    password.session((s) => s.teams.getTeamsForUser("me"));
    for (let i = 0; i < 3; i++) password.users.getUser("me");
    password.close();
    const after = await server.command<{ logins: number; logouts: number }>("stats");
    expect(after.logins - before.logins).toBe(3); // a session each, and the client itself once
    expect(after.logouts - before.logouts).toBe(3);
    expect(() => password.users.getUser("me")).toThrow(/closed/);
  });

  it("refuses options that cannot cross to its worker", () => {
    expect(() => new SyncClient({ url: server.url, fetch: globalThis.fetch })).toThrow(
      /cannot use a custom transport or fetch/,
    );
    expect(() => new SyncClient({ url: "nope" })).toThrow(/absolute URL/);
  });
});

describe("startWsSync", () => {
  it("blocks and calls the handler for each event in order, until the handler returns false", async () => {
    const posting = server.command<string[]>("post", {
      channel: server.channels.general.id,
      count: 25,
      delay: 300,
      prefix: "from another process",
    });
    const seen: string[] = [];
    sd.startWsSync(
      (event: AnyServerEvent) => {
        if (event.event === "posted") seen.push((event as ServerEvent<"posted">).data.post.id);
        return seen.length < 25;
      },
      { timeout: 15_000 },
    );
    expect(seen).toEqual(await posting);
  });

  it("resumes across dropped connections like the async stream", async () => {
    const before = await server.command<{ webSockets: number }>("stats");
    const posting = server.command<string[]>("post", {
      channel: server.channels.general.id,
      count: 40,
      delay: 300,
      interval: 5,
      dropEvery: 9, // four drops, made by the server's process: this thread is blocked while it listens
      prefix: "drop",
    });
    const seen: string[] = [];
    sd.startWsSync(
      (event) => {
        if (event.event === "posted") seen.push((event as ServerEvent<"posted">).data.post.id);
        return seen.length < 40;
      },
      { timeout: 20_000, initialReconnectDelay: 20 },
    );
    expect(seen).toEqual(await posting);
    const after = await server.command<{ webSockets: number }>("stats");
    expect(after.webSockets - before.webSockets).toBeGreaterThanOrEqual(4);
  });

  it("stops at its timeout, or when a signal was aborted", () => {
    const started = Date.now();
    sd.startWsSync(() => true, { timeout: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const controller = new AbortController();
    controller.abort();
    sd.startWsSync(() => true, { signal: controller.signal });
  });
});

describe("the process", () => {
  it("exits by itself after using a SyncClient it never closed", async () => {
    const local = await createTestServer();
    const dir = mkdtempSync(join(tmpdir(), "matterapi-sync-exit-"));
    const script = join(dir, "script.mts");
    writeFileSync(
      script,
      `import { SyncClient } from ${JSON.stringify(join(ROOT, "src/index.ts"))};
       const sd = new SyncClient({ url: ${JSON.stringify(local.url)}, auth: { token: ${JSON.stringify(local.admin.token)} } });
       console.log(sd.users.getUser("me").username);`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe(local.admin.username);
    await local.close();
  });
});
