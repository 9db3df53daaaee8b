/**
 * A poll bot: `/poll Lunch? | pizza | sushi` posts a poll with a button per choice (one vote per user, which they can
 * change), an "Add a choice" button that opens a dialog, and a "Close" button for the poll's author. Button contexts
 * and the dialog's state are signed, so a forged click cannot vote for someone else's poll or close it.
 *
 *   npm run example:slash-command-bot     (the fake server: creates /poll, votes, adds a choice, exits 0 if all went well)
 *
 * Against a real server: MM_URL, MM_TOKEN (a user or bot allowed to manage slash commands and edit others' posts),
 * MM_TEAM_ID, BOT_URL (where Mattermost reaches this process, e.g. https://bot.example.com) and BOT_PORT; the
 * signing secret from POLL_SECRET (32+ bytes). It creates the /poll command and serves it until Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { AsyncClient } from "matterapi";
// matterapi/integrations, from source (the examples run from the repository).
import {
  actionHandler,
  attachment,
  button,
  createActionSigner,
  type Dialog,
  dialogHandler,
  el,
  type IntegrationHandler,
  integrationRouter,
  type MessageAttachment,
  openDialog,
  slashCommandHandler,
  toNodeHandler,
} from "matterapi/integrations";
import { isMain, target } from "./target.js";

interface Poll {
  id: string;
  question: string;
  choices: string[];
  /** user id -> index of their choice */
  votes: Map<string, number>;
  author: string;
  closed: boolean;
}

export interface PollBot {
  /** The bot's base URL (command at /command, clicks at /action, dialogs at /dialog). */
  url: string;
  polls: Map<string, Poll>;
  /** Starts answering /poll once the command's token is known. */
  setCommandToken(token: string): void;
  close(): Promise<void>;
}

const ADD_CHOICE: Dialog = {
  callback_id: "add-choice",
  title: "Add a choice",
  elements: [el.text("choice", "Choice", { min_length: 1, max_length: 40, placeholder: "tacos" })],
};

/** Starts the poll bot's HTTP endpoints; `client` opens dialogs and updates polls. */
export async function startPollBot(
  client: AsyncClient,
  options: { secret: string; port?: number; publicUrl?: string },
): Promise<PollBot> {
  const polls = new Map<string, Poll>();
  const signer = createActionSigner({ secret: options.secret, maxAge: 24 * 3_600_000 });
  let base = options.publicUrl ?? "";

  // Actions carry ids of their own: the server keeps given ids, and a post edited through the API keeps them too.
  // Actions carry ids of their own: the server keeps given ids, and a post edited through the API keeps them too.
  const render = (poll: Poll): { message: string; props: { attachments: MessageAttachment[] } } => {
    const counts = poll.choices.map((_, i) => [...poll.votes.values()].filter((v) => v === i).length);
    const lines = poll.choices.map((c, i) => `${c}: ${counts[i]}`).join(" · ");
    const actions = poll.closed
      ? []
      : [
          ...poll.choices.map((c, i) =>
            button({
              id: `vote${i}`,
              name: c,
              url: `${base}/action`,
              context: signer.sign({ poll: poll.id, choice: i }, { action: "vote" }),
            }),
          ),
          button({
            id: "add",
            name: "Add a choice",
            url: `${base}/action`,
            context: signer.sign({ poll: poll.id }, { action: "add" }),
          }),
          button({
            id: "close",
            name: "Close",
            style: "danger",
            url: `${base}/action`,
            context: signer.sign({ poll: poll.id }, { action: "close", userId: poll.author }),
          }),
        ];
    const title = poll.closed ? `${poll.question} (closed)` : poll.question;
    return { message: `Poll: ${poll.question}`, props: { attachments: [attachment({ title, text: lines, actions })] } };
  };

  let command: IntegrationHandler | undefined;
  const setCommandToken = (token: string) => {
    command = slashCommandHandler({
      token,
      handle: (c) => {
        const [question, ...choices] = c.text.split("|").map((s) => s.trim());
        if (!question || choices.length < 2) return "Usage: /poll Question? | choice | choice ...";
        const poll: Poll = {
          id: randomBytes(8).toString("hex"),
          question,
          choices,
          votes: new Map(),
          author: c.user_id,
          closed: false,
        };
        polls.set(poll.id, poll);
        const { message, props } = render(poll);
        return { response_type: "in_channel", text: message, attachments: props.attachments };
      },
    });
  };

  const action = actionHandler<{ poll: string; choice?: number }>({
    signer,
    handle: async ({ request, context, signature }) => {
      const poll = polls.get(context.poll);
      if (!poll || poll.closed) return { ephemeral_text: "This poll is closed." };
      if (signature?.action === "vote" && typeof context.choice === "number") {
        poll.votes.set(request.user_id, context.choice);
        return { update: render(poll), ephemeral_text: `You voted for ${poll.choices[context.choice]}.` };
      }
      if (signature?.action === "add") {
        // The dialog's state carries the poll and post, signed: the submission can be trusted to say which poll.
        const state = JSON.stringify(signer.sign({ poll: poll.id, post: request.post_id }, { action: "add-dialog" }));
        await openDialog(client, request.trigger_id, `${base}/dialog`, { ...ADD_CHOICE, state });
        return {};
      }
      if (signature?.action === "close") {
        poll.closed = true;
        return { update: render(poll) };
      }
      return { ephemeral_text: "Unknown action." };
    },
  });

  const dialog = dialogHandler<{ choice: string }>({
    dialog: ADD_CHOICE,
    handle: async (submission) => {
      let state: { poll: string; post: string };
      try {
        const verified = await signer.verify<{ poll: string; post: string }>(
          { context: JSON.parse(submission.state), user_id: submission.user_id, channel_id: submission.channel_id },
          "add-dialog",
        );
        state = verified.context;
      } catch {
        return { error: "This dialog is not from the poll bot." };
      }
      const poll = polls.get(state.poll);
      if (!poll || poll.closed) return { error: "This poll is closed." };
      const choice = submission.submission.choice.trim();
      if (poll.choices.includes(choice)) return { errors: { choice: "That choice is already there." } };
      poll.choices.push(choice);
      // The spec documents a patch's props as a string; the server takes the object (model.PostPatch.Props).
      await client.posts.patchPost(state.post, render(poll) as never);
      return undefined;
    },
  });

  const router = integrationRouter({
    "/command": (request) => (command ? command(request) : Promise.resolve(new Response("not ready", { status: 503 }))),
    "/action": action,
    "/dialog": dialog,
  });
  const server = createServer(toNodeHandler(router));
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.publicUrl ? undefined : "127.0.0.1", resolve),
  );
  if (!base) base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: base,
    polls,
    setCommandToken,
    close: async () => {
      await Promise.all([command?.settled(), action.settled(), dialog.settled()]);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The flow on the fake server: someone runs /poll, people vote, a choice is added through the dialog. */
async function demoOnFakeServer(): Promise<boolean> {
  const where = await target();
  const fake = where.fake!;
  const admin = new AsyncClient({ url: where.url, auth: { token: fake.admin.token } });
  const bot = await startPollBot(admin, { secret: randomBytes(32).toString("hex") });
  let ok = true;
  const check = (what: string, good: boolean) => {
    console.log(`  ${good ? "✓" : "✗"} ${what}`);
    ok &&= good;
  };
  try {
    const created = await admin.commands.createCommand({
      team_id: fake.team.id,
      trigger: "poll",
      url: `${bot.url}/command`,
      method: "P",
    });
    bot.setCommandToken(created.token);
    console.log(`poll bot on ${bot.url}, /poll created on ${where.label}`);
    const channel = fake.channels.general.id;
    const run = await fake.runSlashCommand({
      userId: fake.user.id,
      channelId: channel,
      text: "/poll Lunch? | pizza | sushi",
    });
    check(`@${fake.user.username} runs /poll Lunch? | pizza | sushi (${run.status})`, run.status === 200);
    const list = await admin.posts.getPostsForChannel(channel);
    const post = list.order.map((id) => list.posts[id]!).find((p) => p.message === "Poll: Lunch?");
    const actions = () =>
      admin.posts
        .getPost(post?.id ?? "")
        .then((p) => (p.props as { attachments: MessageAttachment[] }).attachments[0]!.actions!);
    const click = async (userId: string, name: string) => {
      const target = (await actions()).find((a) => a.name === name);
      return fake.clickAction({ userId, postId: post?.id ?? "", actionId: target?.id ?? "" });
    };
    check("the poll is posted with a button per choice", Boolean(post) && (await actions()).length === 4);
    check("user votes pizza", (await click(fake.user.id, "pizza")).status === 200);
    check("admin votes sushi", (await click(fake.admin.id, "sushi")).status === 200);
    check("user changes to sushi", (await click(fake.user.id, "sushi")).status === 200);
    check(
      "the admin cannot close the user's poll (its Close button is bound to its author)",
      (await click(fake.admin.id, "Close")).status === 400,
    );
    check("user opens 'Add a choice'", (await click(fake.user.id, "Add a choice")).status === 200);
    const empty = await fake.submitDialog({
      userId: fake.user.id,
      callbackId: "add-choice",
      submission: { choice: "" },
    });
    check(
      `an empty choice is refused in the dialog: ${JSON.stringify(empty.body)}`,
      Boolean((empty.body as { errors?: unknown }).errors),
    );
    const added = await fake.submitDialog({
      userId: fake.user.id,
      callbackId: "add-choice",
      submission: { choice: "tacos" },
    });
    check("tacos is added", added.status === 200 && (await actions()).some((a) => a.name === "tacos"));
    const final = await admin.posts.getPost(post?.id ?? "");
    const text = (final.props as { attachments: MessageAttachment[] }).attachments[0]!.text;
    console.log(`  ${final.message}: ${text}`);
    check("the counts are right", text === "pizza: 0 · sushi: 2 · tacos: 0");
    const closed = await click(fake.user.id, "Close");
    check("the author closes the poll", closed.status === 200);
  } catch (error) {
    console.log(`  ✗ ${(error as Error).name}: ${(error as Error).message}`);
    ok = false;
  } finally {
    await bot.close();
    await admin.close();
    await where.close();
  }
  console.log(ok ? "Every step passed." : "Some steps failed.");
  return ok;
}

async function serveRealServer(): Promise<void> {
  const where = await target();
  const { MM_TEAM_ID, BOT_URL, BOT_PORT, POLL_SECRET } = process.env;
  if (!where.token || !MM_TEAM_ID || !BOT_URL || !POLL_SECRET) {
    throw new Error("set MM_TOKEN, MM_TEAM_ID, BOT_URL and POLL_SECRET (32+ bytes) to run against a real server");
  }
  const client = new AsyncClient({ url: where.url, auth: where.token, ...where.options });
  const bot = await startPollBot(client, { secret: POLL_SECRET, port: Number(BOT_PORT ?? 3000), publicUrl: BOT_URL });
  const created = await client.commands.createCommand({
    team_id: MM_TEAM_ID,
    trigger: "poll",
    url: `${BOT_URL}/command`,
    method: "P",
  });
  bot.setCommandToken(created.token);
  console.log(`/poll is served from ${BOT_URL} for ${where.label}; Ctrl-C to stop`);
  process.once("SIGINT", () => {
    void client.commands.deleteCommand(created.id).finally(async () => {
      await bot.close();
      await client.close();
    });
  });
}

if (isMain(import.meta.url)) {
  if (process.env.MM_URL) await serveRealServer();
  else process.exitCode = (await demoOnFakeServer()) ? 0 : 1;
}
