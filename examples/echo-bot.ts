/**
 * An echo bot: answers every post in the channels it is in with "echo: <message>", in the same thread,
 * ignoring its own posts, until stopped.
 *
 *   npm run example:echo-bot          (the fake server; or MM_URL and MM_TOKEN of a bot)
 */
import { AsyncClient, type ServerEvent } from "matterapi";
import { isMain, target } from "./target.js";

export interface EchoBot {
  /** Resolves when the bot is listening. */
  ready: Promise<void>;
  /** Stops the bot; resolves when it has stopped. */
  stop(): Promise<void>;
  /** Replies sent so far. */
  replies: number;
}

export function startEchoBot(client: AsyncClient): EchoBot {
  const ws = client.websocket();
  const bot: EchoBot = { ready: ws.connect(), stop: async () => ws.close(), replies: 0 };
  let me: string | undefined;
  const answer = async (event: ServerEvent<"posted">) => {
    me ??= (await client.users.getUser("me")).id;
    const post = event.data.post;
    if (post.user_id === me || event.recovered) return;
    await client.posts.createPost({
      channel_id: post.channel_id,
      root_id: post.root_id || post.id,
      message: `echo: ${post.message}`,
    });
    bot.replies++;
  };
  ws.on("posted", (event) => {
    answer(event).catch((error) => console.error(`echo-bot: ${(error as Error).message}`));
  });
  return bot;
}

if (isMain(import.meta.url)) {
  const where = await target();
  const auth = where.fake ? { token: where.fake.bot.token } : (where.token ?? where.password);
  const client = new AsyncClient({ url: where.url, auth, ...where.options });
  const bot = startEchoBot(client);
  await bot.ready;
  console.log(`echo bot listening on ${where.label}`);
  const stop = async () => {
    await bot.stop();
    await client.close();
    await where.close();
  };
  if (where.fake) {
    // On the fake server, someone talks to the bot; show the reply, then stop.
    const someone = new AsyncClient({ url: where.url, auth: { token: where.fake.user.token } });
    const post = await someone.posts.createPost({ channel_id: where.fake.channels.general.id, message: "hello, bot" });
    for (let i = 0; i < 100 && bot.replies === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const thread = await someone.posts.getPostThread(post.id);
    for (const id of thread.order.reverse()) console.log(`  ${thread.posts[id].message}`);
    await someone.close();
    await stop();
  } else {
    console.log("Ctrl-C to stop");
    process.once("SIGINT", () => void stop());
  }
}
