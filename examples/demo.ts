/**
 * The demo: Python matterapi's README flow in TypeScript, printed step by step, once with token auth and once
 * with a login and password.
 *
 *   npm run demo                                   against the built-in fake server
 *   MM_URL=https://chat.example.com MM_TOKEN=... npm run demo        against a real server
 *   (or MM_LOGIN_ID and MM_PASSWORD; MM_INSECURE=1 skips TLS verification)
 *
 * Exits with 1 if any step fails.
 */
import {
  AsyncClient,
  type AsyncSession,
  type Channel,
  type ClientOptions,
  InvalidOrMissingParameters,
  NotEnoughPermissions,
  type Team,
} from "matterapi";
import { isMain, type Target, target } from "./target.js";

// Two small PNG images to upload (1x1 pixels, red and blue).
const PNG_RED = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
const PNG_BLUE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPj/HwADBwIAMCbHYQAAAABJRU5ErkJggg==",
  "base64",
);

let failures = 0;

async function step<T>(name: string, run: () => Promise<T>, describe: (value: T) => string): Promise<T | undefined> {
  try {
    const value = await run();
    console.log(`  ✓ ${name}: ${describe(value)}`);
    return value;
  } catch (error) {
    failures++;
    console.log(`  ✗ ${name}: ${(error as Error).name}: ${(error as Error).message}`);
    return undefined;
  }
}

async function flow(title: string, options: ClientOptions): Promise<void> {
  console.log(`\n${title}`);
  const client = new AsyncClient(options);
  try {
    const me = await step(
      "get me",
      () => client.users.getUser("me"),
      (u) => `@${u.username} (${u.id})`,
    );
    if (!me) return;
    const channels = await step(
      "list channels",
      async () => {
        try {
          return await client.channels.getAllChannels({ per_page: 20 });
        } catch (error) {
          // Listing every channel needs manage_system; a regular user lists the channels of their first team.
          if (!(error instanceof NotEnoughPermissions)) throw error;
          const [team] = await client.teams.getTeamsForUser("me");
          return team ? await client.channels.getChannelsForTeamForUser("me", team.id) : [];
        }
      },
      (list) => `${list.length} channels, the first is ${list[0] ? `~${list[0].name}` : "none"}`,
    );
    const first = channels?.[0];
    if (first) {
      await step(
        "posts for a channel",
        () => client.posts.getPostsForChannel(first.id, { per_page: 10 }),
        (list) =>
          `${list.order.length} posts in ~${first.name}${list.order[0] ? `, newest: "${list.posts[list.order[0]].message}"` : ""}`,
      );
    }
    await step(
      "open a session",
      () => client.session((s) => inSession(s)),
      () => "closed again (logged out if it logged in)",
    );
  } finally {
    await client.close();
  }
}

async function inSession(s: AsyncSession): Promise<void> {
  const me = await step(
    "  get me (session)",
    () => s.users.getUser("me"),
    (u) => `@${u.username}`,
  );
  await step(
    "  list plugins",
    () => s.plugins.getPlugins(),
    (p) => `${p.active?.length ?? 0} active${p.active?.[0] ? `, the first is ${p.active[0].name}` : ""}`,
  );
  const team = await step(
    "  create the team 'rebels', or get it",
    async (): Promise<Team & { existed: boolean }> => {
      try {
        return { ...(await s.teams.createTeam({ name: "rebels", display_name: "Rebels", type: "I" })), existed: false };
      } catch (error) {
        if (!(error instanceof InvalidOrMissingParameters)) throw error;
        console.log(`    > ${error.name}: ${error.message}`);
        return { ...(await s.teams.getTeamByName("rebels")), existed: true };
      }
    },
    (t) => `${t.existed ? "got the existing" : "created the new"} team ${t.id}`,
  );
  if (!team) return;
  const channel = await step(
    "  create the channel 'newchannelname', or get it",
    async (): Promise<Channel & { existed: boolean }> => {
      try {
        const created = await s.channels.createChannel({
          team_id: team.id,
          name: "newchannelname",
          display_name: "New Channel",
          type: "O",
        });
        return { ...created, existed: false };
      } catch (error) {
        if (!(error instanceof InvalidOrMissingParameters)) throw error;
        console.log(`    > ${error.name}: ${error.message}`);
        return { ...(await s.channels.getChannelByName(team.id, "newchannelname")), existed: true };
      }
    },
    (c) => `${c.existed ? "got the existing" : "created the new"} channel ${c.id}`,
  );
  if (!channel || !me) return;
  const upload = await step(
    "  upload two files",
    () => s.files.uploadFile({ channel_id: channel.id, files: { "upload1.png": PNG_RED, "upload2.png": PNG_BLUE } }),
    (u) => `file id of the second file: ${u.file_infos?.[1]?.id}`,
  );
  if (!upload) return;

  // Listen before posting, so that the post's `posted` event cannot be missed.
  const ws = s.websocket();
  let posted: Promise<string> | undefined;
  const connected = await step(
    "  connect the WebSocket",
    () => ws.connect().then(() => ws),
    (w) => `connection ${w.connectionId}`,
  );
  if (connected) {
    posted = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no posted event within 10 s")), 10_000);
      ws.on("posted", (event) => {
        if (event.data.post.channel_id !== channel.id) return;
        clearTimeout(timer);
        resolve(`"${event.data.post.message}" with ${event.data.post.file_ids?.length ?? 0} files, seq ${event.seq}`);
      });
    });
  }
  const post = await step(
    "  create a post with the files",
    () =>
      s.posts.createPost({
        channel_id: channel.id,
        message: "A wild message appears",
        file_ids: (upload.file_infos ?? []).map((info) => info.id),
      }),
    (p) => `created at ${new Date(p.create_at).toISOString()}`,
  );
  if (post && posted)
    await step(
      "  receive its posted event",
      () => posted,
      (text) => text,
    );
  ws.close();
}

export async function demo(where: Target): Promise<number> {
  failures = 0;
  console.log(`matterapi demo against ${where.label}`);
  if (!where.token && !where.password) {
    console.log("  ✗ no credentials: set MM_TOKEN, or MM_LOGIN_ID and MM_PASSWORD");
    return 1;
  }
  if (where.token) await flow("With token auth", { url: where.url, auth: where.token, ...where.options });
  if (where.password) await flow("With login and password", { url: where.url, auth: where.password, ...where.options });
  console.log(failures === 0 ? "\nEvery step passed." : `\n${failures} step(s) failed.`);
  return failures === 0 ? 0 : 1;
}

if (isMain(import.meta.url)) {
  const where = await target();
  try {
    process.exitCode = await demo(where);
  } finally {
    await where.close();
  }
}
