/**
 * The fake server in a process of its own, for callers that block their thread (the SyncClient). It sends its
 * details over IPC, then takes commands: make posts (as another process would), faults.
 */
import { AsyncClient } from "../../src/index.js";
import { createTestServer } from "../../src/testing/index.js";

const server = await createTestServer();
const admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });

process.on("message", async (message: { id: number; command: string; args: Record<string, unknown> }) => {
  const { id, command, args } = message;
  try {
    if (command === "post") {
      const {
        channel,
        count,
        delay,
        prefix,
        interval = 0,
        dropEvery = 0,
      } = args as {
        channel: string;
        count: number;
        delay: number;
        prefix: string;
        interval?: number;
        /** Drop every WebSocket (1006) after this many posts: the caller's thread may be blocked. */
        dropEvery?: number;
      };
      await new Promise((r) => setTimeout(r, delay));
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        ids.push((await admin.posts.createPost({ channel_id: channel, message: `${prefix} ${i}` })).id);
        if (dropEvery && (i + 1) % dropEvery === 0) server.faults.closeWebSockets(1006);
        if (interval) await new Promise((r) => setTimeout(r, interval));
      }
      process.send?.({ id, result: ids });
    } else if (command === "stats") {
      process.send?.({ id, result: { ...server.stats, sessions: server.store.sessions.size } });
    } else if (command === "closeWebSockets") {
      server.faults.closeWebSockets(args.code as number);
      process.send?.({ id, result: true });
    } else if (command === "expireSession") {
      server.faults.expireSession(args.token as string | undefined);
      process.send?.({ id, result: true });
    } else process.send?.({ id, error: `unknown command ${command}` });
  } catch (error) {
    process.send?.({ id, error: String(error) });
  }
});

process.send?.({
  ready: {
    url: server.url,
    admin: server.admin,
    user: server.user,
    team: server.team,
    channels: server.channels,
  },
});
process.on("disconnect", () => process.exit(0));
