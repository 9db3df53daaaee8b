/**
 * Outgoing and incoming webhooks on the fake server (app/webhook.go, web/webhook.go): the payload a matching post
 * makes the server POST to a plain node:http receiver, the post its answer makes, and posts through /hooks/<id>.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiError, AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { type Receiver, sendJson, startReceiver } from "../helpers/integration-receiver.js";

let server: TestServer;
let receiver: Receiver;
let admin: AsyncClient;
let user: AsyncClient;

beforeAll(async () => {
  server = await createTestServer({ integrations: { timeout: 10_000 } });
  receiver = await startReceiver();
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, maxRetries: 0 });
  user = new AsyncClient({ url: server.url, auth: { token: server.user.token }, maxRetries: 0 });
});

afterAll(async () => {
  await admin?.close();
  await user?.close();
  await receiver?.close();
  await server?.close();
});

const failure = async (promise: Promise<unknown>): Promise<ApiError> => {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("expected the call to fail");
};

async function latest(channelId: string) {
  const list = await admin.posts.getPostsForChannel(channelId, { per_page: 1 });
  return list.posts[list.order[0]];
}

describe("outgoing webhooks", () => {
  it("POSTs the form payload for a trigger word and posts the answer as a reply in the thread", async () => {
    const hook = await admin.webhooks.createOutgoingWebhook({
      team_id: server.team.id,
      channel_id: server.channels.general.id,
      display_name: "Deployer",
      trigger_words: ["deploy"],
      trigger_when: 0,
      callback_urls: [`${receiver.url}/out`],
      content_type: "application/x-www-form-urlencoded",
    });
    expect(hook.token).toMatch(/^[a-z0-9]{26}$/);
    receiver.next((_req, res) =>
      sendJson(res, {
        text: "Deploying <https://ci.example.com|now>",
        response_type: "comment",
        username: "deploybot",
      }),
    );
    const before = receiver.requests.length;
    const post = await user.posts.createPost({ channel_id: server.channels.general.id, message: "deploy the rebels" });
    const request = await receiver.request(before + 1);
    expect(request.url).toBe("/out");
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request.headers.accept).toBe("application/json");
    expect(request.headers["user-agent"]).toBe("Mattermost-Bot/1.1");
    expect(request.headers.authorization).toBeUndefined();
    const form = new URLSearchParams(String(request.body));
    expect(Object.fromEntries(form)).toEqual({
      channel_id: server.channels.general.id,
      channel_name: "general",
      file_ids: "",
      post_id: post.id,
      team_domain: server.team.name,
      team_id: server.team.id,
      text: "deploy the rebels",
      timestamp: String(Math.floor(post.create_at / 1000)),
      token: hook.token,
      trigger_word: "deploy",
      user_id: server.user.id,
      user_name: server.user.username,
    });
    await server.integrationsIdle();
    const reply = await latest(server.channels.general.id);
    expect(reply).toMatchObject({
      root_id: post.id,
      user_id: server.admin.id,
      message: "Deploying [now](https://ci.example.com)",
      props: { from_webhook: "true", webhook_display_name: "Deployer" },
    });
    // EnablePostUsernameOverride is off by default: the answer's username is not used.
    expect(reply.props).not.toHaveProperty("override_username");
    expect(server.invalidResponses).toEqual([]);
  });

  it("sends JSON (timestamp in ms) for content_type application/json, matching a prefix with trigger_when 1", async () => {
    await admin.webhooks.createOutgoingWebhook({
      team_id: server.team.id,
      display_name: "Status",
      trigger_words: ["stat"],
      trigger_when: 1,
      callback_urls: [`${receiver.url}/json`],
      content_type: "application/json",
    });
    receiver.next((_req, res) => void res.end());
    const before = receiver.requests.length;
    const post = await user.posts.createPost({ channel_id: server.channels.offTopic.id, message: "status?" });
    const request = await receiver.request(before + 1);
    expect(request.headers["content-type"]).toBe("application/json");
    const payload = JSON.parse(String(request.body));
    expect(Object.keys(payload)).toEqual([
      "token",
      "team_id",
      "team_domain",
      "channel_id",
      "channel_name",
      "timestamp",
      "user_id",
      "user_name",
      "post_id",
      "text",
      "trigger_word",
      "file_ids",
    ]);
    expect(payload).toMatchObject({ timestamp: post.create_at, trigger_word: "stat", text: "status?" });
    await server.integrationsIdle();
    // An empty answer makes no post.
    expect((await latest(server.channels.offTopic.id)).id).toBe(post.id);
  });

  it("fires for nothing else: another first word, a private channel", async () => {
    const before = receiver.requests.length;
    await user.posts.createPost({ channel_id: server.channels.offTopic.id, message: "please deploy" });
    await user.posts.createPost({ channel_id: server.channels.private.id, message: "deploy" });
    await server.integrationsIdle();
    expect(receiver.requests.length).toBe(before);
  });

  it("fires for the in_channel post of a slash command too; reads and deletes hooks", async () => {
    const hook = await admin.webhooks.createOutgoingWebhook({
      team_id: server.team.id,
      display_name: "Echo",
      trigger_words: ["echo"],
      callback_urls: [`${receiver.url}/echo`],
    });
    expect((await admin.webhooks.getOutgoingWebhook(hook.id)).trigger_words).toEqual(["echo"]);
    await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "say",
      url: `${receiver.url}/say`,
      method: "P",
    });
    receiver.next((_req, res) => sendJson(res, { response_type: "in_channel", text: "echo hello" }));
    receiver.next((_req, res) => void res.end());
    const before = receiver.requests.length;
    await user.commands.executeCommand({ channel_id: server.channels.offTopic.id, command: "/say" });
    const fired = await receiver.request(before + 2);
    expect(fired.url).toBe("/echo");
    expect(new URLSearchParams(String(fired.body)).get("text")).toBe("echo hello");
    await server.integrationsIdle();
    await admin.webhooks.deleteOutgoingWebhook(hook.id);
    const gone = await failure(admin.webhooks.getOutgoingWebhook(hook.id));
    expect([gone.status, gone.id]).toEqual([404, "app.webhooks.get_outgoing.app_error"]);
    await user.posts.createPost({ channel_id: server.channels.offTopic.id, message: "echo again" });
    await server.integrationsIdle();
    expect(receiver.requests.length).toBe(before + 2);
  });

  it("refuses hooks as the server does", async () => {
    const privateChannel = await failure(
      admin.webhooks.createOutgoingWebhook({
        team_id: server.team.id,
        channel_id: server.channels.private.id,
        display_name: "x",
        trigger_words: ["x"],
        callback_urls: [`${receiver.url}/x`],
      }),
    );
    expect([privateChannel.status, privateChannel.id]).toEqual([403, "api.outgoing_webhook.disabled.app_error"]);
    const nothing = await failure(
      admin.webhooks.createOutgoingWebhook({
        team_id: server.team.id,
        display_name: "x",
        trigger_words: [],
        callback_urls: [`${receiver.url}/x`],
      }),
    );
    expect([nothing.status, nothing.id]).toEqual([400, "api.webhook.create_outgoing.triggers.app_error"]);
    const forbidden = await failure(
      user.webhooks.createOutgoingWebhook({
        team_id: server.team.id,
        display_name: "y",
        trigger_words: ["y"],
        callback_urls: [`${receiver.url}/y`],
      }),
    );
    expect(forbidden.status).toBe(403);
  });
});

describe("incoming webhooks", () => {
  const post = (id: string, body: string, contentType = "application/json") =>
    fetch(`${server.url}/hooks/${id}`, { method: "POST", headers: { "content-type": contentType }, body });

  it("posts JSON or a payload= form to the hook's channel, answering ok", async () => {
    const hook = await admin.webhooks.createIncomingWebhook({
      channel_id: server.channels.general.id,
      display_name: "CI",
    });
    expect(await admin.webhooks.getIncomingWebhook(hook.id)).toMatchObject({ id: hook.id, channel_locked: false });
    const answer = await post(
      hook.id,
      JSON.stringify({ text: "Build <https://ci.example.com/42|#42> passed <!channel>" }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/plain");
    expect(await answer.text()).toBe("ok");
    expect(await latest(server.channels.general.id)).toMatchObject({
      user_id: server.admin.id,
      message: "Build [#42](https://ci.example.com/42) passed @channel",
      props: { from_webhook: "true", webhook_display_name: "CI" },
    });

    const form = new URLSearchParams({ payload: JSON.stringify({ text: "to off-topic", channel: "off-topic" }) });
    expect((await post(hook.id, form.toString(), "application/x-www-form-urlencoded")).status).toBe(200);
    expect((await latest(server.channels.offTopic.id)).message).toBe("to off-topic");

    const withAttachments = await post(
      hook.id,
      JSON.stringify({ attachments: [{ text: "details", color: "#ff0000" }] }),
    );
    expect(withAttachments.status).toBe(200);
    const attached = await latest(server.channels.general.id);
    expect(attached).toMatchObject({
      type: "slack_attachment",
      message: "",
      props: { attachments: [{ text: "details" }] },
    });

    expect((await post(hook.id, JSON.stringify({ text: "psst", channel: `@${server.user.username}` }))).status).toBe(
      200,
    );
    const direct = [...server.store.posts.values()].at(-1);
    expect(server.store.channels.get(direct?.channel_id ?? "")?.type).toBe("D");
    expect(server.invalidResponses).toEqual([]);
  });

  it("answers the server's errors", async () => {
    const hook = await admin.webhooks.createIncomingWebhook({
      channel_id: server.channels.general.id,
      channel_locked: true,
    });
    const error = async (response: Response) => [response.status, ((await response.json()) as { id: string }).id];
    expect(await error(await post(hook.id, JSON.stringify({ text: "" })))).toEqual([
      400,
      "web.incoming_webhook.text.app_error",
    ]);
    expect(await error(await post(hook.id, "{not json"))).toEqual([400, "model.incoming_hook.parse_data.app_error"]);
    expect(await error(await post("a".repeat(26), JSON.stringify({ text: "x" })))).toEqual([
      400,
      "web.incoming_webhook.invalid.app_error",
    ]);
    expect(await error(await post(hook.id, JSON.stringify({ text: "x", channel: "off-topic" })))).toEqual([
      403,
      "web.incoming_webhook.channel_locked.app_error",
    ]);
    expect(await error(await post(hook.id, JSON.stringify({ text: "x", channel: "#nowhere" })))).toEqual([
      404,
      "web.incoming_webhook.channel.app_error",
    ]);
    // A raw newline inside a string value is escaped and retried, as the server does.
    expect((await post(hook.id, '{"text": "two\nlines"}')).status).toBe(200);
    expect((await latest(server.channels.general.id)).message).toBe("two\nlines");

    server.faults.next(1, { status: 429, retryAfter: 1 }, { path: /^\/hooks\// });
    const limited = await post(hook.id, JSON.stringify({ text: "x" }));
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe("limit exceeded\n");
  });

  it("applies username and icon overrides only when the server allows them", async () => {
    const open = await createTestServer({
      integrations: { enablePostUsernameOverride: true, enablePostIconOverride: true },
    });
    const client = new AsyncClient({ url: open.url, auth: { token: open.admin.token }, maxRetries: 0 });
    try {
      const hook = await client.webhooks.createIncomingWebhook({
        channel_id: open.channels.general.id,
        username: "ci-bot",
      });
      expect(hook.username).toBe("ci-bot");
      await fetch(`${open.url}/hooks/${hook.id}`, {
        method: "POST",
        body: JSON.stringify({ text: "hi", icon_url: "https://example.com/i.png" }),
      });
      const list = await client.posts.getPostsForChannel(open.channels.general.id, { per_page: 1 });
      expect(list.posts[list.order[0]].props).toMatchObject({
        override_username: "ci-bot",
        override_icon_url: "https://example.com/i.png",
      });
    } finally {
      await client.close();
      await open.close();
    }
  });
});
