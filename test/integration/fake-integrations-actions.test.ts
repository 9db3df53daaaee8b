/**
 * Interactive messages on the fake server (app/integration_action.go DoPostActionWithCookie): the request an action
 * click sends to its integration (a plain node:http receiver here), and how the answer updates the post.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiError, AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { type Events, openEvents, type Receiver, sendJson, startReceiver } from "../helpers/integration-receiver.js";

let server: TestServer;
let receiver: Receiver;
let bot: AsyncClient;
let user: AsyncClient;
let events: Events;

beforeAll(async () => {
  // Generous for a loaded machine; the test of an integration that never answers uses a server of its own.
  server = await createTestServer({ integrations: { timeout: 10_000 } });
  receiver = await startReceiver();
  bot = new AsyncClient({ url: server.url, auth: { token: server.bot.token }, maxRetries: 0 });
  user = new AsyncClient({ url: server.url, auth: { token: server.user.token }, maxRetries: 0 });
  events = await openEvents(server.url, server.user.token);
});

afterAll(async () => {
  events?.close();
  await bot?.close();
  await user?.close();
  await receiver?.close();
  await server?.close();
});

async function postWithActions(props: Record<string, unknown> = {}) {
  return bot.posts.createPost({
    channel_id: server.channels.general.id,
    message: "Deploy?",
    props: {
      ...props,
      attachments: [
        {
          text: "Choose",
          actions: [
            {
              name: "Approve",
              type: "button",
              integration: { url: `${receiver.url}/approve`, context: { ticket: 42 } },
            },
            {
              id: "envpicker",
              name: "Environment",
              type: "select",
              options: [
                { text: "Staging", value: "staging" },
                { text: "Production", value: "prod" },
              ],
              integration: { url: `${receiver.url}/env`, context: { ticket: 42 } },
            },
          ],
        },
      ],
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the attachments are free-form props.
const actionsOf = (post: { props?: Record<string, unknown> | null }) => (post.props as any).attachments[0].actions;

describe("interactive messages", () => {
  it("gives actions ids on save and POSTs the PostActionIntegrationRequest on a click", async () => {
    const post = await postWithActions();
    const [button, menu] = actionsOf(post);
    expect(button.id).toMatch(/^[a-z0-9]{26}$/);
    expect(menu.id).toBe("envpicker");

    receiver.next((_req, res) => sendJson(res, {}));
    const clicked = await server.clickAction({ userId: server.user.id, postId: post.id, actionId: button.id });
    expect(clicked.status).toBe(200);
    const request = receiver.requests.at(-1);
    expect(request?.url).toBe("/approve");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers["user-agent"]).toBe("Mattermost-Bot/1.1");
    const sent = JSON.parse(String(request?.body));
    expect(Object.keys(sent)).toEqual([
      "user_id",
      "user_name",
      "channel_id",
      "channel_name",
      "team_id",
      "team_domain",
      "post_id",
      "trigger_id",
      "type",
      "data_source",
      "context",
    ]);
    expect(sent).toMatchObject({
      user_id: server.user.id,
      user_name: server.user.username,
      channel_id: server.channels.general.id,
      channel_name: "general",
      team_id: server.team.id,
      team_domain: server.team.name,
      post_id: post.id,
      type: "button",
      data_source: "",
      context: { ticket: 42 },
    });
    const [clientTriggerId, userId] = Buffer.from(sent.trigger_id, "base64").toString("utf8").split(":");
    expect(userId).toBe(server.user.id);
    expect(clicked.body).toEqual({ status: "OK", trigger_id: clientTriggerId });
  });

  it("sends the picked option of a menu in the context", async () => {
    const post = await postWithActions();
    receiver.next((_req, res) => sendJson(res, {}));
    await server.clickAction({
      userId: server.user.id,
      postId: post.id,
      actionId: "envpicker",
      selectedOption: "prod",
    });
    const sent = JSON.parse(String(receiver.requests.at(-1)?.body));
    expect(sent).toMatchObject({ type: "select", context: { ticket: 42, selected_option: "prod" } });
  });

  it("applies an update (keeping from_webhook) and sends ephemeral_text to the clicker, in the post's thread", async () => {
    const post = await postWithActions({ from_webhook: "true" });
    receiver.next((_req, res) =>
      sendJson(res, { update: { message: "Approved by @hansolo", props: { approved: true } }, ephemeral_text: "Done" }),
    );
    const clicked = await server.clickAction({
      userId: server.user.id,
      postId: post.id,
      actionId: actionsOf(post)[0].id,
    });
    expect(clicked.status).toBe(200);
    const updated = await user.posts.getPost(post.id);
    expect(updated.message).toBe("Approved by @hansolo");
    expect(updated.props).toEqual({ approved: true, from_webhook: "true" });
    expect(updated.edit_at).toBeGreaterThan(0);
    const edited = await events.wait("post_edited", (e) => JSON.parse(e.data.post).id === post.id);
    expect(JSON.parse(edited.data.post).message).toBe("Approved by @hansolo");
    const ephemeral = await events.wait("ephemeral_message", (e) => JSON.parse(e.data.post).message === "Done");
    expect(JSON.parse(ephemeral.data.post)).toMatchObject({ root_id: post.id, props: { from_webhook: "true" } });
    expect(server.invalidResponses).toEqual([]);
  });

  it("answers the real endpoint POST /posts/{id}/actions/{action_id} the same way", async () => {
    const post = await postWithActions();
    receiver.next((_req, res) => sendJson(res, { ephemeral_text: "via the API" }));
    const answer = await user.posts.doPostAction(post.id, actionsOf(post)[0].id);
    expect(answer.status).toBe("OK");
    expect(answer.trigger_id).toMatch(/^[a-z0-9]{26}$/);
    expect(server.invalidResponses).toEqual([]);
  });

  it("fails as the server does: unknown action 404, integration errors 400", async () => {
    const post = await postWithActions();
    const unknown = await server.clickAction({ userId: server.user.id, postId: post.id, actionId: "nosuchaction" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ id: "api.post.do_action.action_id.app_error" });

    receiver.next((_req, res) => sendJson(res, { error: "nope" }, 500));
    const failed = await server.clickAction({ userId: server.user.id, postId: post.id, actionId: "envpicker" });
    expect(failed.status).toBe(400);
    expect(failed.body).toMatchObject({
      id: "api.post.do_action.action_integration.app_error",
      detailed_error: "status=500",
    });

    receiver.next((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{not json");
    });
    const garbled = await server.clickAction({ userId: server.user.id, postId: post.id, actionId: "envpicker" });
    expect(garbled.status).toBe(400);

    try {
      await user.posts.doPostAction(post.id, "nosuchaction");
      expect.unreachable();
    } catch (error) {
      expect((error as ApiError).status).toBe(404);
    }
  });

  it("gives up on an action URL that never answers after integrations.timeout, with the server's 400", async () => {
    const short = await createTestServer({ integrations: { timeout: 300 } });
    const client = new AsyncClient({ url: short.url, auth: { token: short.bot.token }, maxRetries: 0 });
    try {
      const post = await client.posts.createPost({
        channel_id: short.channels.general.id,
        message: "slow",
        props: {
          attachments: [
            { actions: [{ id: "slow", name: "Slow", type: "button", integration: { url: `${receiver.url}/slow` } }] },
          ],
        },
      });
      receiver.next(() => {
        // never answers
      });
      const silent = await short.clickAction({ userId: short.user.id, postId: post.id, actionId: "slow" });
      expect(silent.status).toBe(400);
      expect(silent.body).toMatchObject({ id: "api.post.do_action.action_integration.app_error" });
    } finally {
      await client.close();
      await short.close();
    }
  });
});
