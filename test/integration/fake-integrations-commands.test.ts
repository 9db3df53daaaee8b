/**
 * The fake server runs slash commands as the real one does (app/command.go, web/webhook.go): what it sends to the
 * command's URL (a plain node:http receiver here), and what it does with the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, AsyncClient } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { type Events, openEvents, type Receiver, sendJson, startReceiver } from "../helpers/integration-receiver.js";

let server: TestServer;
let receiver: Receiver;
let admin: AsyncClient;
let user: AsyncClient;
let events: Events;
let token: string;

beforeAll(async () => {
  // Generous for a loaded machine; the test of an integration that never answers uses a server of its own.
  server = await createTestServer({ integrations: { timeout: 10_000 } });
  receiver = await startReceiver();
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, maxRetries: 0 });
  user = new AsyncClient({ url: server.url, auth: { token: server.user.token }, maxRetries: 0 });
  events = await openEvents(server.url, server.user.token);
  const command = await admin.commands.createCommand({
    team_id: server.team.id,
    trigger: "Weather",
    url: `${receiver.url}/weather?src=mm`,
    method: "P",
  });
  token = command.token;
  expect(command.trigger).toBe("weather");
  expect(token).toMatch(/^[a-z0-9]{26}$/);
});

afterAll(async () => {
  events?.close();
  await admin?.close();
  await user?.close();
  await receiver?.close();
  await server?.close();
});

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
};

describe("slash commands", () => {
  it("POSTs the CommandArgs form with the command's token, and sends an ephemeral answer to the user only", async () => {
    receiver.next((_req, res) => sendJson(res, { text: "Sunny in <https://paris.fr|Paris>" }));
    const response = await user.commands.executeCommand({
      channel_id: server.channels.general.id,
      command: "/weather Paris @sysadmin ~off-topic",
    });
    const request = receiver.requests.at(-1);
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/weather?src=mm");
    expect(request?.headers.authorization).toBe(`Token ${token}`);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers["user-agent"]).toBe("Mattermost-Bot/1.1");
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(String(request?.body));
    // url.Values.Encode: keys in order.
    expect([...new Set(form.keys())]).toEqual([
      "channel_id",
      "channel_mentions",
      "channel_mentions_ids",
      "channel_name",
      "command",
      "response_url",
      "root_id",
      "team_domain",
      "team_id",
      "text",
      "token",
      "trigger_id",
      "user_id",
      "user_mentions",
      "user_mentions_ids",
      "user_name",
    ]);
    expect(Object.fromEntries(form)).toMatchObject({
      token,
      team_id: server.team.id,
      team_domain: server.team.name,
      channel_id: server.channels.general.id,
      channel_name: "general",
      user_id: server.user.id,
      user_name: server.user.username,
      command: "/weather",
      text: "Paris @sysadmin ~off-topic",
      root_id: "",
      user_mentions: "sysadmin",
      user_mentions_ids: server.admin.id,
      channel_mentions: "off-topic",
      channel_mentions_ids: server.channels.offTopic.id,
    });
    expect(form.get("response_url")).toMatch(new RegExp(`^${server.url}/hooks/commands/[a-z0-9]{26}$`));
    // The integration gets the signed trigger id; the caller gets its client part.
    const full = Buffer.from(String(form.get("trigger_id")), "base64")
      .toString("utf8")
      .split(":");
    expect(full).toHaveLength(4);
    expect(full[1]).toBe(server.user.id);
    expect(response.trigger_id).toBe(full[0]);
    expect(response).toMatchObject({
      response_type: "",
      text: "Sunny in [Paris](https://paris.fr)",
      goto_location: "",
    });

    const event = await events.wait("ephemeral_message");
    const post = JSON.parse(event.data.post);
    expect(post).toMatchObject({
      type: "system_ephemeral",
      user_id: server.user.id,
      message: "Sunny in [Paris](https://paris.fr)",
    });
    expect(event.broadcast).toMatchObject({ user_id: server.user.id, channel_id: server.channels.general.id });
    expect(server.invalidResponses).toEqual([]);
  });

  it("leaves out the mention fields when the text mentions nobody", async () => {
    receiver.next((_req, res) => sendJson(res, {}));
    await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/weather" });
    const form = new URLSearchParams(String(receiver.requests.at(-1)?.body));
    expect(form.has("user_mentions")).toBe(false);
    expect(form.has("channel_mentions")).toBe(false);
    expect(form.get("text")).toBe("");
  });

  it("posts an in_channel answer and its extra responses, as the user, marked from_webhook", async () => {
    receiver.next((_req, res) =>
      sendJson(res, {
        response_type: "in_channel",
        text: "It is raining",
        goto_location: "https://example.com/radar",
        extra_responses: [{ response_type: "in_channel", text: "and windy", props: { source: "radar" } }],
      }),
    );
    const response = await user.commands.executeCommand({
      channel_id: server.channels.general.id,
      command: "/weather",
    });
    expect(response.goto_location).toBe("https://example.com/radar");
    const list = await user.posts.getPostsForChannel(server.channels.general.id, { per_page: 2 });
    const [newest, previous] = list.order.map((id) => list.posts[id]);
    expect(previous).toMatchObject({
      message: "It is raining",
      user_id: server.user.id,
      props: { from_webhook: "true" },
    });
    expect(newest).toMatchObject({ message: "and windy", props: { from_webhook: "true", source: "radar" } });
    expect(server.invalidResponses).toEqual([]);
  });

  it("takes a plain-text answer as an ephemeral text, and GETs with the form in the query for method G", async () => {
    const get = await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "ping",
      url: `${receiver.url}/ping`,
      method: "G",
    });
    receiver.next((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("pong");
    });
    const response = await user.commands.executeCommand({
      channel_id: server.channels.general.id,
      command: "/ping now",
    });
    const request = receiver.requests.at(-1);
    expect(request?.method).toBe("GET");
    expect(request?.body.length).toBe(0);
    expect(request?.headers["content-type"]).toBeUndefined();
    const query = new URL(String(request?.url), receiver.url).searchParams;
    expect(query.get("token")).toBe(get.token);
    expect(query.get("text")).toBe("now");
    expect(response.text).toBe("pong");
    const event = await events.wait("ephemeral_message", (e) => JSON.parse(e.data.post).message === "pong");
    expect(event.broadcast.user_id).toBe(server.user.id);
  });

  it("runSlashCommand runs what a user typed and resolves to the endpoint's status and body", async () => {
    receiver.next((_req, res) => sendJson(res, { response_type: "in_channel", text: "from the helper" }));
    const result = await server.runSlashCommand({
      userId: server.user.id,
      channelId: server.channels.offTopic.id,
      text: "/weather helper",
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ response_type: "in_channel", text: "from the helper" });
    const unknown = await server.runSlashCommand({
      userId: server.user.id,
      channelId: server.channels.offTopic.id,
      text: "/nothing",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ id: "api.command.execute_command.not_found.app_error" });
  });

  it("accepts responses at response_url 5 times, then refuses", async () => {
    receiver.next((_req, res) => sendJson(res, {}));
    await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/weather later" });
    const responseUrl = String(new URLSearchParams(String(receiver.requests.at(-1)?.body)).get("response_url"));
    const first = await fetch(responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "in_channel", text: "delayed answer" }),
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/plain");
    expect(await first.text()).toBe("ok");
    const list = await user.posts.getPostsForChannel(server.channels.general.id, { per_page: 1 });
    expect(list.posts[list.order[0]]).toMatchObject({ message: "delayed answer", user_id: server.user.id });
    for (let i = 0; i < 4; i++) {
      const again = await fetch(responseUrl, { method: "POST", body: "plain text is ephemeral" });
      expect(again.status).toBe(200);
    }
    const sixth = await fetch(responseUrl, { method: "POST", body: "once too often" });
    expect(sixth.status).toBe(400);
    expect(((await sixth.json()) as { id: string }).id).toBe("app.command_webhook.try_use.invalid");
    const unknown = await fetch(`${server.url}/hooks/commands/${"a".repeat(26)}`, { method: "POST", body: "x" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { id: string }).id).toBe("app.command_webhook.get.missing");
  });

  it("fails with the server's errors: a non-200 answer, a bad command", async () => {
    receiver.next((_req, res) => {
      res.writeHead(503);
      res.end("down for maintenance");
    });
    const down = await failure(
      user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/weather" }),
    );
    expect(down.status).toBe(500);
    expect(down.id).toBe("api.command.execute_command.failed_resp.app_error");
    expect(down.detailedError).toBe("down for maintenance");

    const noSlash = await failure(
      user.commands.executeCommand({ channel_id: server.channels.general.id, command: "weather" }),
    );
    expect(noSlash.status).toBe(400);
    expect(noSlash.id).toBe("api.command.execute_command.start.app_error");

    const duplicate = await failure(
      admin.commands.createCommand({ team_id: server.team.id, trigger: "weather", url: receiver.url, method: "P" }),
    );
    expect(duplicate.id).toBe("api.command.duplicate_trigger.app_error");
    const forbidden = await failure(
      user.commands.createCommand({ team_id: server.team.id, trigger: "mine", url: receiver.url, method: "P" }),
    );
    expect(forbidden.status).toBe(403);
  });

  it("gives up on an integration that never answers after integrations.timeout, with the server's 500", async () => {
    const short = await createTestServer({ integrations: { timeout: 300 } });
    const client = new AsyncClient({ url: short.url, auth: { token: short.admin.token }, maxRetries: 0 });
    try {
      await client.commands.createCommand({
        team_id: short.team.id,
        trigger: "slow",
        url: `${receiver.url}/slow`,
        method: "P",
      });
      receiver.next(() => {
        // never answers
      });
      const silent = await failure(
        client.commands.executeCommand({ channel_id: short.channels.general.id, command: "/slow" }),
      );
      expect(silent.status).toBe(500);
      expect(silent.id).toBe("api.command.execute_command.failed.app_error");
    } finally {
      await client.close();
      await short.close();
    }
  });

  it("reads, regenerates the token of, and deletes a command", async () => {
    const command = await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "temp",
      url: `${receiver.url}/temp`,
      method: "P",
    });
    expect((await admin.commands.getCommandById(command.id)).trigger).toBe("temp");
    const { token: fresh } = await admin.commands.regenCommandToken(command.id);
    expect(fresh).not.toBe(command.token);
    await admin.commands.deleteCommand(command.id);
    const gone = await failure(admin.commands.getCommandById(command.id));
    expect([gone.status, gone.id]).toEqual([404, "store.sql_command.save.get.app_error"]);
    expect(server.invalidResponses).toEqual([]);
  });
});
