/**
 * matterapi/integrations over real sockets against the fake server: buttons and menus with signed contexts
 * (forged, tampered and replayed clicks refused), and a dialog opened from a slash command (an invalid one refused
 * locally, field errors, a cancellation).
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient } from "../../src/index.js";
import {
  type ActionClick,
  actionHandler,
  attachment,
  button,
  createActionSigner,
  type Dialog,
  type DialogSubmission,
  DialogValidationError,
  dialogHandler,
  el,
  type IntegrationHandler,
  integrationRouter,
  MemoryReplayStore,
  menu,
  openDialog,
  slashCommandHandler,
  toNodeHandler,
} from "../../src/integrations/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { caught } from "../helpers/caught.js";
import { type Events, openEvents } from "../helpers/integration-receiver.js";

let server: TestServer;
let admin: AsyncClient;
let events: Events;
let bot: Server;
let botUrl = "";
const routes: Record<string, IntegrationHandler> = {};

beforeAll(async () => {
  server = await createTestServer({ integrations: { timeout: 10_000 } });
  admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token }, maxRetries: 0 });
  events = await openEvents(server.url, server.user.token);
  bot = createServer(toNodeHandler((request) => integrationRouter(routes)(request)));
  await new Promise<void>((r) => bot.listen(0, "127.0.0.1", r));
  botUrl = `http://127.0.0.1:${(bot.address() as { port: number }).port}`;
});

afterAll(async () => {
  events?.close();
  await admin?.close();
  bot?.closeAllConnections();
  await new Promise((r) => bot?.close(r));
  await server?.close();
});

describe("buttons with a signed context", () => {
  const signer = createActionSigner({
    secret: "a-secret-of-at-least-32-bytes-long!",
    replayStore: new MemoryReplayStore(),
  });
  const clicks: ActionClick<{ item: string }>[] = [];

  beforeAll(() => {
    routes["/action"] = actionHandler<{ item: string }>({
      signer,
      handle: (click) => {
        clicks.push(click);
        if (click.selectedOption) return { ephemeral_text: `picked ${click.selectedOption}` };
        return { update: { message: `done: ${click.context.item}` }, ephemeral_text: "Done" };
      },
    });
  });

  async function postWith(actions: ReturnType<typeof button>[]) {
    const post = await admin.posts.createPost({
      channel_id: server.channels.general.id,
      message: "a task",
      props: { attachments: [attachment({ text: "Finish it?", actions })] },
    });
    const stored = await admin.posts.getPost(post.id);
    const saved = (stored.props as { attachments: { actions: { id: string }[] }[] }).attachments[0]!.actions;
    return { postId: post.id, actionIds: saved.map((a) => a.id) };
  }

  it("runs the handler for a signed click, updates the post and shows the ephemeral text", async () => {
    const context = signer.sign({ item: "t1" }, { action: "finish", channelId: server.channels.general.id });
    const { postId, actionIds } = await postWith([button({ name: "Finish", url: `${botUrl}/action`, context })]);
    const reply = await server.clickAction({ userId: server.user.id, postId, actionId: actionIds[0]! });
    expect(reply.status).toBe(200);
    expect(clicks.at(-1)?.context).toEqual({ item: "t1" });
    expect(clicks.at(-1)?.request.user_id).toBe(server.user.id);
    expect((await admin.posts.getPost(postId)).message).toBe("done: t1");
    await events.wait("ephemeral_message", (e) => JSON.parse(e.data.post).message === "Done");
  });

  it("refuses a replayed click of the same signed context (single use)", async () => {
    const context = signer.sign({ item: "t2" }, { action: "finish" });
    const { postId, actionIds } = await postWith([button({ name: "Finish", url: `${botUrl}/action`, context })]);
    expect((await server.clickAction({ userId: server.user.id, postId, actionId: actionIds[0]! })).status).toBe(200);
    const before = clicks.length;
    const replay = await server.clickAction({ userId: server.user.id, postId, actionId: actionIds[0]! });
    expect(replay.status).toBe(400);
    expect((replay.body as { id?: string }).id).toBe("api.post.do_action.action_integration.app_error");
    expect(clicks.length).toBe(before);
  });

  it("refuses forged and tampered contexts without running the handler", async () => {
    const forger = createActionSigner({ secret: "another-secret-that-is-32-bytes-long" });
    const forged = forger.sign({ item: "t3" }, { action: "finish" });
    const tampered = { ...signer.sign({ item: "t3" }, { action: "finish" }), item: "everything" };
    const { postId, actionIds } = await postWith([
      button({ name: "Unsigned", url: `${botUrl}/action`, context: { item: "t3" } }),
      button({ name: "Forged", url: `${botUrl}/action`, context: forged }),
      button({ name: "Tampered", url: `${botUrl}/action`, context: tampered }),
    ]);
    const before = clicks.length;
    for (const actionId of actionIds) {
      expect((await server.clickAction({ userId: server.user.id, postId, actionId })).status).toBe(400);
    }
    expect(clicks.length).toBe(before);
  });

  it("passes a menu's choice (added by the server to the signed context) through", async () => {
    const context = signer.sign({ item: "t4" }, { action: "assign" });
    const { postId, actionIds } = await postWith([
      menu({
        name: "Size",
        url: `${botUrl}/action`,
        context,
        options: [
          { text: "S", value: "s" },
          { text: "L", value: "l" },
        ],
      }),
    ]);
    const reply = await server.clickAction({
      userId: server.user.id,
      postId,
      actionId: actionIds[0]!,
      selectedOption: "l",
    });
    expect(reply.status).toBe(200);
    expect(clicks.at(-1)?.selectedOption).toBe("l");
    expect(clicks.at(-1)?.context).toEqual({ item: "t4" });
  });
});

describe("a dialog opened from a slash command", () => {
  const submissions: DialogSubmission[] = [];
  const cancellations: DialogSubmission[] = [];
  let lastTrigger = "";
  const dialog: Dialog = {
    callback_id: "new-task",
    title: "New task",
    notify_on_cancel: true,
    state: "s1",
    elements: [
      el.text("title", "Title", { min_length: 3 }),
      el.select("size", "Size", [
        { text: "Small", value: "s" },
        { text: "Large", value: "l" },
      ]),
      el.bool("urgent", "Urgent", { optional: true }),
    ],
  };

  beforeAll(async () => {
    let commandHandler: IntegrationHandler | undefined;
    routes["/command"] = Object.assign((request: Request) => commandHandler!(request), { settled: async () => {} });
    routes["/dialog"] = dialogHandler({
      dialog,
      handle: (s) => {
        submissions.push(s);
        if (s.submission.title === "taken") return { errors: { title: "A task with this title exists." } };
        return undefined;
      },
      onCancel: (s) => void cancellations.push(s),
    });
    const created = await admin.commands.createCommand({
      team_id: server.team.id,
      trigger: "task",
      url: `${botUrl}/command`,
      method: "P",
    });
    commandHandler = slashCommandHandler({
      token: created.token,
      handle: async (command) => {
        lastTrigger = command.trigger_id;
        await openDialog(admin, command.trigger_id, `${botUrl}/dialog`, dialog);
        return undefined;
      },
    });
  });

  it("refuses an invalid dialog locally, before any request", async () => {
    const before = server.stats.requests;
    const invalid = { ...dialog, title: "A title far too long for the server" };
    const error = await caught(openDialog(admin, "any-trigger", `${botUrl}/dialog`, invalid));
    expect(error).toBeInstanceOf(DialogValidationError);
    expect(error.message).toMatch(/title is 35 bytes, over the limit of 24/);
    expect(server.stats.requests).toBe(before);
  });

  it("opens the dialog, returns field errors to the webapp, then accepts a good submission", async () => {
    const user = new AsyncClient({ url: server.url, auth: { token: server.user.token }, maxRetries: 0 });
    await user.commands.executeCommand({ channel_id: server.channels.general.id, command: "/task" });
    await user.close();
    const opened = await events.wait("open_dialog");
    expect(JSON.parse(opened.data.dialog).dialog.title).toBe("New task");
    expect(lastTrigger).not.toBe("");

    const tooShort = await server.submitDialog({
      userId: server.user.id,
      callbackId: "new-task",
      submission: { title: "ab", size: "s" },
    });
    expect(tooShort).toEqual({ status: 200, body: { errors: { title: "Must be at least 3 characters." } } });
    const taken = await server.submitDialog({
      userId: server.user.id,
      callbackId: "new-task",
      submission: { title: "taken", size: "l" },
    });
    expect(taken.body).toEqual({ errors: { title: "A task with this title exists." } });
    const good = await server.submitDialog({
      userId: server.user.id,
      callbackId: "new-task",
      submission: { title: "Write tests", size: "l", urgent: true },
    });
    expect(good.status).toBe(200);
    expect(submissions.at(-1)).toMatchObject({
      callback_id: "new-task",
      state: "s1",
      user_id: server.user.id,
      cancelled: false,
      submission: { title: "Write tests", size: "l", urgent: true },
    });
  });

  it("sends a cancellation to onCancel", async () => {
    const reply = await server.submitDialog({ userId: server.user.id, callbackId: "new-task", cancelled: true });
    expect(reply.status).toBe(200);
    expect(cancellations.at(-1)).toMatchObject({ callback_id: "new-task", cancelled: true, user_id: server.user.id });
  });
});
