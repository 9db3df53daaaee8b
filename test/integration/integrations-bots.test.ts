/**
 * matterapi/integrations over real sockets against the fake server: a slash-command bot (answers, token refusal,
 * a slow answer acked then delivered through response_url, GET commands), an outgoing-webhook bot, and the
 * incoming-webhook sender.
 */
import { createServer, type Server } from "node:http";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, AsyncClient, TooManyRequests } from "../../src/index.js";
import {
  type IntegrationHandler,
  outgoingWebhookHandler,
  postToWebhook,
  slashCommandHandler,
  toNodeHandler,
} from "../../src/integrations/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { caught } from "../helpers/caught.js";
import { type Events, openEvents } from "../helpers/integration-receiver.js";

/** Serves a handler on a loopback port, as a bot would. */
async function serve(handler: IntegrationHandler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(toNodeHandler(handler));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

let server: TestServer;
let admin: AsyncClient;
let user: AsyncClient;
let events: Events;

beforeAll(async () => {
  server = await createTestServer({ integrations: { timeout: 10_000 } });
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, maxRetries: 0 });
  user = new AsyncClient({ url: server.url, auth: { token: server.user.token }, maxRetries: 0 });
  events = await openEvents(server.url, server.user.token);
});

afterAll(async () => {
  events?.close();
  await admin?.close();
  await user?.close();
  await server?.close();
});

async function channelMessages(channelId: string): Promise<string[]> {
  const list = await admin.posts.getPostsForChannel(channelId);
  return list.order.map((id) => list.posts[id]!.message);
}

describe("a slash-command bot", () => {
  let bot: { url: string; close(): Promise<void> };
  let handler: IntegrationHandler;
  let token = "";
  let runs = 0;
  let release: () => void = () => {};

  beforeAll(async () => {
    // The command's token is known once the command exists: the server delegates to the handler made then.
    bot = await serve(Object.assign((request: Request) => handler(request), { settled: async () => {} }));
    const created = await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "echo",
      url: `${bot.url}/command`,
      method: "P",
    });
    token = created.token;
    handler = slashCommandHandler({
      token,
      ackAfter: 300,
      ack: "thinking...",
      handle: async (command) => {
        runs++;
        if (command.text === "slow") {
          await new Promise<void>((r) => (release = r));
          return { response_type: "in_channel", text: "slow answer" };
        }
        if (command.text.startsWith("shout")) {
          return { response_type: "in_channel", text: `${command.user_name} says ${command.text.slice(6)}` };
        }
        return `mentions: ${command.user_mentions.map((m) => m.name).join(",")}`;
      },
    });
  });

  afterAll(async () => {
    release();
    await handler?.settled();
    await bot?.close();
  });

  it("posts an in_channel answer and sends an ephemeral one to the user only", async () => {
    await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/echo shout hello" });
    expect(await channelMessages(server.channels.general.id)).toContain(`${server.user.username} says hello`);
    await user.commands.executeCommand({
      channel_id: server.channels.general.id,
      command: `/echo hi @${server.admin.username}`,
    });
    const event = await events.wait("ephemeral_message", (e) =>
      JSON.parse(e.data.post).message.startsWith("mentions:"),
    );
    expect(JSON.parse(event.data.post).message).toBe(`mentions: ${server.admin.username}`);
  });

  it("works through the fake's runSlashCommand helper too", async () => {
    const reply = await server.runSlashCommand({
      userId: server.user.id,
      channelId: server.channels.offTopic.id,
      text: "/echo shout from the helper",
    });
    expect(reply.status).toBe(200);
    expect(await channelMessages(server.channels.offTopic.id)).toContain(
      `${server.user.username} says from the helper`,
    );
  });

  it("refuses a command whose token does not match (the handler never runs)", async () => {
    const other = await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "impostor",
      url: `${bot.url}/command`,
      method: "P",
    });
    expect(other.token).not.toBe(token);
    const before = runs;
    const error = await caught(
      user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/impostor x" }),
    );
    expect(error.status).toBe(500);
    expect(error.id).toBe("api.command.execute_command.failed_resp.app_error");
    expect(runs).toBe(before);
  });

  it("acks a slow command in time, then delivers the answer through response_url", async () => {
    await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/echo slow" });
    const ack = await events.wait("ephemeral_message", (e) => JSON.parse(e.data.post).message === "thinking...");
    expect(ack).toBeDefined();
    release();
    await handler.settled();
    expect(await channelMessages(server.channels.general.id)).toContain("slow answer");
  });

  it("answers a GET command read from the query string", async () => {
    let getHandler: IntegrationHandler | undefined;
    const served = await serve(Object.assign((request: Request) => getHandler!(request), { settled: async () => {} }));
    const created = await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "getter",
      url: `${served.url}/get`,
      method: "G",
    });
    getHandler = slashCommandHandler({
      token: created.token,
      handle: (c) => ({ response_type: "in_channel", text: `GET ${c.command} ${c.text}` }),
    });
    await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/getter works" });
    expect(await channelMessages(server.channels.general.id)).toContain("GET /getter works");
    await served.close();
  });
});

describe("an outgoing-webhook bot", () => {
  it("answers a trigger word in the post's thread, for JSON and form payloads", async () => {
    const seen: string[] = [];
    let live: IntegrationHandler | undefined;
    const bot = await serve(Object.assign((request: Request) => live!(request), { settled: async () => {} }));
    const asJson = await admin.webhooks.createOutgoingWebhook({
      team_id: server.team.id,
      display_name: "deployer",
      channel_id: server.channels.general.id,
      trigger_words: ["deploy"],
      trigger_when: 0,
      callback_urls: [`${bot.url}/hook`],
      content_type: "application/json",
    });
    const asForm = await admin.webhooks.createOutgoingWebhook({
      team_id: server.team.id,
      display_name: "shipper",
      channel_id: server.channels.offTopic.id,
      trigger_words: ["ship"],
      trigger_when: 0,
      callback_urls: [`${bot.url}/hook`],
      content_type: "application/x-www-form-urlencoded",
    });
    live = outgoingWebhookHandler({
      token: [asJson.token ?? "", asForm.token ?? ""],
      handle: (r) => {
        seen.push(`${r.trigger_word}:${r.text}:${r.timestamp > 1e12}`);
        return { text: `on it, ${r.user_name}`, response_type: "comment" };
      },
    });
    const post = await user.posts.createPost({ channel_id: server.channels.general.id, message: "deploy now" });
    const shipped = await user.posts.createPost({ channel_id: server.channels.offTopic.id, message: "ship it" });
    await server.integrationsIdle();
    expect(seen.sort()).toEqual(["deploy:deploy now:true", "ship:ship it:true"]);
    for (const root of [post, shipped]) {
      const thread = await admin.posts.getPostThread(root.id);
      const reply = thread.order.map((id) => thread.posts[id]!).find((p) => p.id !== root.id);
      expect(reply?.message).toBe(`on it, ${server.user.username}`);
      expect(reply?.root_id).toBe(root.id);
    }
    await bot.close();
  });
});

describe("the incoming-webhook sender", () => {
  it("posts through /hooks/<id>, and fails with our classes with the hook id masked", async () => {
    const hook = await admin.webhooks.createIncomingWebhook({ channel_id: server.channels.general.id });
    await postToWebhook(`${server.url}/hooks/${hook.id}`, {
      text: "from the sender",
      attachments: [{ text: "details", color: "#00ff00" }],
    });
    expect(await channelMessages(server.channels.general.id)).toContain("from the sender");
    // Rate limited once: the sender waits the Retry-After and posts on the second attempt.
    server.faults.next(1, { status: 429, retryAfter: 0 }, { method: "POST", path: `/hooks/${hook.id}` });
    await postToWebhook(`${server.url}/hooks/${hook.id}`, { text: "after a 429" });
    expect(await channelMessages(server.channels.general.id)).toContain("after a 429");
    server.faults.next(1, { status: 429, retryAfter: 3600 }, { method: "POST", path: `/hooks/${hook.id}` });
    const limited = await caught(postToWebhook(`${server.url}/hooks/${hook.id}`, { text: "too soon" }));
    expect(limited).toBeInstanceOf(TooManyRequests);
    expect(limited.retryAfter).toBe(3600);
    expect(limited.message).not.toContain(hook.id);
    const unknown = "z".repeat(26);
    const missing = await caught(postToWebhook(`${server.url}/hooks/${unknown}`, { text: "x" }, { maxRetries: 0 }));
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing.url).toBe(`${server.url}/hooks/***`);
    expect(`${missing.message} ${JSON.stringify(missing)} ${inspect(missing, { depth: 5 })}`).not.toContain(unknown);
  });
});
