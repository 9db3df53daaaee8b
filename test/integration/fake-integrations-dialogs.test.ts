/**
 * Interactive dialogs on the fake server (app/integration_action.go OpenInteractiveDialog and
 * SubmitInteractiveDialog, model DecodeAndVerifyTriggerId): trigger ids checked as the server checks them, the
 * open_dialog event, and the submission POSTed to a plain node:http receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiError, AsyncClient } from "../../src/index.js";
import { dialogProblems, readOpenDialogRequest } from "../../src/testing/dialog-rules.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { TriggerIds } from "../../src/testing/trigger-id.js";
import { type Events, openEvents, type Receiver, sendJson, startReceiver } from "../helpers/integration-receiver.js";

let server: TestServer;
let receiver: Receiver;
let admin: AsyncClient;
let user: AsyncClient;
let integration: AsyncClient;
let events: Events;

const dialog = {
  callback_id: "ticket-form",
  title: "New ticket",
  elements: [
    { display_name: "Summary", name: "summary", type: "text" },
    {
      display_name: "Priority",
      name: "priority",
      type: "select",
      default: "low",
      options: [
        { text: "Low", value: "low" },
        { text: "High", value: "high" },
      ],
    },
  ],
  state: "from-command",
};

beforeAll(async () => {
  // Long enough for a loaded machine between a trigger and its use; the lifetime test uses a server of its own.
  server = await createTestServer({ integrations: { timeout: 5_000 } });
  receiver = await startReceiver();
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, maxRetries: 0 });
  user = new AsyncClient({ url: server.url, auth: { token: server.user.token }, maxRetries: 0 });
  // Opening a dialog needs no session: the trigger id is the credential.
  integration = new AsyncClient({ url: server.url, maxRetries: 0 });
  events = await openEvents(server.url, server.user.token);
  await admin.commands.createCommand({
    team_id: server.team.id,
    trigger: "ticket",
    url: `${receiver.url}/cmd`,
    method: "P",
  });
});

afterAll(async () => {
  events?.close();
  for (const client of [admin, user, integration]) await client?.close();
  await receiver?.close();
  await server?.close();
});

/** Runs /ticket as the user and gives the trigger id the integration received. */
async function triggerId(): Promise<string> {
  receiver.next((_req, res) => sendJson(res, {}));
  await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/ticket" });
  return String(new URLSearchParams(String(receiver.requests.at(-1)?.body)).get("trigger_id"));
}

const failure = async (promise: Promise<unknown>): Promise<ApiError> => {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("expected the call to fail");
};

describe("interactive dialogs", () => {
  it("opens a dialog for the trigger id's user and POSTs the submission; field errors come back", async () => {
    const trigger = await triggerId();
    const [clientTriggerId] = Buffer.from(trigger, "base64").toString("utf8").split(":");
    expect(
      await integration.integrationActions.openInteractiveDialog({
        trigger_id: trigger,
        url: `${receiver.url}/submit`,
        dialog,
      }),
    ).toEqual({ status: "OK" });
    const opened = await events.wait("open_dialog");
    expect(opened.broadcast.user_id).toBe(server.user.id);
    const request = JSON.parse(opened.data.dialog);
    expect(request.trigger_id).toBe(clientTriggerId);
    expect(request.url).toBe(`${receiver.url}/submit`);
    expect(request.dialog).toMatchObject({
      callback_id: "ticket-form",
      title: "New ticket",
      state: "from-command",
      notify_on_cancel: false,
    });
    expect(request.dialog.elements[0]).toMatchObject({ name: "summary", type: "text", optional: false, options: null });

    receiver.next((_req, res) => sendJson(res, { errors: { summary: "Too short" } }));
    const result = await server.submitDialog({
      userId: server.user.id,
      triggerId: clientTriggerId,
      submission: { summary: "x", priority: "high" },
    });
    expect(result).toEqual({ status: 200, body: { errors: { summary: "Too short" } } });
    const sent = receiver.requests.at(-1);
    expect(sent?.url).toBe("/submit");
    expect(sent?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(String(sent?.body))).toEqual({
      type: "dialog_submission",
      callback_id: "ticket-form",
      state: "from-command",
      user_id: server.user.id,
      channel_id: server.channels.general.id,
      team_id: server.team.id,
      submission: { summary: "x", priority: "high" },
      cancelled: false,
    });

    receiver.next((_req, res) => void res.end());
    const accepted = await server.submitDialog({
      userId: server.user.id,
      callbackId: "ticket-form",
      submission: { summary: "long enough" },
    });
    expect(accepted).toEqual({ status: 200, body: {} });
  });

  it("submits through the real endpoint too", async () => {
    receiver.next((_req, res) => sendJson(res, { error: "Service busy" }));
    const answer = await user.integrationActions.submitInteractiveDialog({
      url: `${receiver.url}/submit`,
      channel_id: server.channels.general.id,
      team_id: server.team.id,
      callback_id: "x",
      submission: { a: 1 },
    });
    expect(answer).toEqual({ error: "Service busy" });
    expect(server.invalidResponses).toEqual([]);
  });

  it("sends the cancellation only for dialogs with notify_on_cancel", async () => {
    const quiet = await triggerId();
    await integration.integrationActions.openInteractiveDialog({
      trigger_id: quiet,
      url: `${receiver.url}/quiet`,
      dialog: { ...dialog, callback_id: "quiet" },
    });
    const before = receiver.requests.length;
    expect(await server.submitDialog({ userId: server.user.id, callbackId: "quiet", cancelled: true })).toEqual({
      status: 0,
      body: null,
    });
    expect(receiver.requests.length).toBe(before);

    const loud = await triggerId();
    await integration.integrationActions.openInteractiveDialog({
      trigger_id: loud,
      url: `${receiver.url}/cancelled`,
      dialog: { ...dialog, callback_id: "loud", notify_on_cancel: true },
    });
    receiver.next((_req, res) => void res.end());
    expect(await server.submitDialog({ userId: server.user.id, callbackId: "loud", cancelled: true })).toEqual({
      status: 200,
      body: {},
    });
    const sent = JSON.parse(String((await receiver.request(before + 2)).body));
    expect(sent).toMatchObject({ type: "dialog_submission", callback_id: "loud", cancelled: true, submission: null });
  });

  it("refuses forged, malformed and expired trigger ids with the server's errors", async () => {
    const open = (trigger_id: string) =>
      failure(integration.integrationActions.openInteractiveDialog({ trigger_id, url: `${receiver.url}/x`, dialog }));
    const forged = new TriggerIds().generate(server.user.id).triggerId;
    expect((await open(forged)).id).toBe("interactive_message.decode_trigger_id.verify_signature_failed");
    expect((await open("%%%")).id).toBe("interactive_message.decode_trigger_id.base64_decode_failed");
    expect((await open(Buffer.from("a:b").toString("base64"))).id).toBe(
      "interactive_message.decode_trigger_id.missing_data",
    );
    const stale = Buffer.from(`abc:${server.user.id}:${Date.now() - 60_000}:AAAA`).toString("base64");
    const expired = await open(stale);
    expect(expired.status).toBe(400);
    expect(expired.id).toBe("interactive_message.decode_trigger_id.expired");
  });

  it("refuses a dialog that does not decode (400), and by default opens one that IsValid rejects, with a warning", async () => {
    const broken = await failure(
      integration.request("POST", "/api/v4/actions/dialogs/open", {
        body: {
          trigger_id: await triggerId(),
          url: `${receiver.url}/x`,
          dialog: { title: "T", elements: "not a list" },
        },
      }),
    );
    expect(broken.status).toBe(400);
    expect(broken.id).toBe("api.context.invalid_body_param.app_error");
    const noUrl = await failure(
      integration.integrationActions.openInteractiveDialog({ trigger_id: await triggerId(), url: "", dialog }),
    );
    expect(noUrl.id).toBe("api.context.invalid_body_param.app_error");

    const invalid = {
      ...dialog,
      title: "A title that is longer than 24 bytes",
      elements: [{ name: "x", display_name: "X", type: "slider" }],
    };
    await integration.integrationActions.openInteractiveDialog({
      trigger_id: await triggerId(),
      url: `${receiver.url}/x`,
      dialog: invalid,
    });
    await events.wait("open_dialog", (e) => JSON.parse(e.data.dialog).dialog.title === invalid.title);
    expect(server.integrationWarnings.at(-1)).toMatch(/invalid dialog title.*invalid element type: "slider"/);
  });

  it("answers 400 for an invalid dialog when rejectInvalidDialogs is set", async () => {
    const strict = await createTestServer({ integrations: { rejectInvalidDialogs: true } });
    try {
      const strictAdmin = new AsyncClient({ url: strict.url, auth: { token: strict.admin.token }, maxRetries: 0 });
      await strictAdmin.commands.createCommand({
        team_id: strict.team.id,
        trigger: "t",
        url: `${receiver.url}/cmd`,
        method: "P",
      });
      receiver.next((_req, res) => sendJson(res, {}));
      await strictAdmin.commands.executeCommand({ channel_id: strict.channels.general.id, command: "/t" });
      const trigger = String(new URLSearchParams(String(receiver.requests.at(-1)?.body)).get("trigger_id"));
      const refused = await failure(
        strictAdmin.integrationActions.openInteractiveDialog({
          trigger_id: trigger,
          url: `${receiver.url}/x`,
          dialog: { title: "", elements: [] },
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.id).toBe("matterapi.testing.invalid_dialog");
      await strictAdmin.close();
    } finally {
      await strict.close();
    }
  });

  it("a trigger id lives as long as the integrations timeout", async () => {
    const short = await createTestServer({ integrations: { timeout: 200 } });
    const client = new AsyncClient({ url: short.url, auth: { token: short.admin.token }, maxRetries: 0 });
    try {
      await client.commands.createCommand({
        team_id: short.team.id,
        trigger: "t",
        url: `${receiver.url}/cmd`,
        method: "P",
      });
      receiver.next((_req, res) => sendJson(res, {}));
      await client.commands.executeCommand({ channel_id: short.channels.general.id, command: "/t" });
      const trigger = String(new URLSearchParams(String(receiver.requests.at(-1)?.body)).get("trigger_id"));
      await new Promise((r) => setTimeout(r, 300));
      const late = await failure(
        client.integrationActions.openInteractiveDialog({ trigger_id: trigger, url: `${receiver.url}/x`, dialog }),
      );
      expect(late.id).toBe("interactive_message.decode_trigger_id.expired");
    } finally {
      await client.close();
      await short.close();
    }
  });

  it("checks elements as Dialog.IsValid does", () => {
    const problems = (elements: unknown[], title = "T") =>
      dialogProblems(readOpenDialogRequest({ trigger_id: "t", url: "https://x.example", dialog: { title, elements } }));
    expect(problems([{ name: "d", display_name: "D", type: "date", default: "2024-02-30" }])).toEqual([
      '"d" field is not valid: invalid date format: "2024-02-30"',
    ]);
    expect(problems([{ name: "d", display_name: "D", type: "date", default: "+2d", min_date: "today" }])).toEqual([]);
    expect(
      problems([
        { name: "t", display_name: "T", type: "datetime", default: "2024-02-03T10:00:00Z", time_interval: 30 },
      ]),
    ).toEqual([]);
    expect(
      problems([{ name: "s", display_name: "S", type: "select", default: "z", options: [{ text: "A", value: "a" }] }]),
    ).toEqual(['"s" field is not valid: default value "z" doesn\'t exist in options']);
    expect(
      problems([
        { name: "a", display_name: "A", type: "text" },
        { name: "a", display_name: "B", type: "bool" },
      ]),
    ).toEqual(['duplicate dialog element "a"']);
    expect(problems([], "")).toEqual(['invalid dialog title ""']);
  });
});
