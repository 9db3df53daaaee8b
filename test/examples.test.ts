/** The demo and the examples, run against the fake server so that they never rot. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoBot } from "../examples/echo-bot.js";
import { postsByAuthor } from "../examples/page-through-channel.js";
import { postFiles } from "../examples/upload-files.js";
import { AsyncClient } from "../src/index.js";
import { createTestServer, type TestServer } from "../src/testing/index.js";
import { ROOT } from "./helpers/spec.js";

const run = promisify(execFile);

describe("npm run demo", () => {
  it("runs Python matterapi's README flow against the fake server, with token and with password, and exits 0", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "examples/demo.ts"], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, MM_URL: "" },
    });
    expect(stdout).toContain("With token auth");
    expect(stdout).toContain("With login and password");
    expect(stdout).not.toContain("✗");
    expect(stdout.match(/✓ {3}receive its posted event: "A wild message appears" with 2 files/g)).toHaveLength(2);
    expect(stdout).toContain("got the existing team"); // the second run takes the InvalidOrMissingParameters path
    expect(stdout).toContain("Every step passed.");
  });

  it("exits non-zero when a step fails", async () => {
    const failing = run(process.execPath, ["--import", "tsx", "examples/demo.ts"], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, MM_URL: "http://127.0.0.1:1", MM_TOKEN: "x" },
    });
    const error = await failing.then(
      () => undefined,
      (e) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stdout).toContain("✗ get me: ConnectionError");
  });
});

describe("npm run example:slash-command-bot", () => {
  it("runs the poll bot's flow (command, votes, a dialog, a refused and an allowed close) and exits 0", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "examples/slash-command-bot.ts"], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, MM_URL: "" },
    });
    expect(stdout).not.toContain("✗");
    expect(stdout).toContain("Poll: Lunch?: pizza: 0 · sushi: 2 · tacos: 0");
    expect(stdout).toContain("Every step passed.");
  });
});

describe("examples", () => {
  let server: TestServer;
  let client: AsyncClient;
  beforeAll(async () => {
    server = await createTestServer();
    client = new AsyncClient({ url: server.url, auth: { token: server.user.token } });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it("upload-files posts the files it uploads, byte for byte", async () => {
    const post = await postFiles(client, server.channels.general.id, {
      "a.txt": Buffer.from("alpha"),
      "b.bin": new Uint8Array([0, 1, 2]),
    });
    expect(post.file_ids).toHaveLength(2);
    expect(Buffer.from(await client.files.getFile(post.file_ids?.[0] ?? "")).toString()).toBe("alpha");
  });

  it("page-through-channel counts every post of every page", async () => {
    const admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
    for (let i = 0; i < 23; i++)
      await admin.posts.createPost({ channel_id: server.channels.offTopic.id, message: `m${i}` });
    const counts = await postsByAuthor(client, server.channels.offTopic.id, 5);
    expect(counts.get(server.admin.id)).toBe(23);
    await admin.close();
  });

  it("echo-bot answers in the thread, and not itself", async () => {
    const botClient = new AsyncClient({ url: server.url, auth: { token: server.bot.token } });
    const bot = startEchoBot(botClient);
    await bot.ready;
    const post = await client.posts.createPost({ channel_id: server.channels.general.id, message: "marco" });
    for (let i = 0; i < 200 && bot.replies === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const thread = await client.posts.getPostThread(post.id);
    expect(thread.order.map((id) => thread.posts[id].message).sort()).toEqual(["echo: marco", "marco"]);
    expect(bot.replies).toBe(1);
    await bot.stop();
    await botClient.close();
  });
});
