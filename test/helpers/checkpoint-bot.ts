/**
 * A bot process for the restart tests: it handles every `posted` event by appending "id channel create_at" to a log
 * file, with a file checkpoint, and says "ready" over IPC once its stream is open. SIGTERM closes it gently (the
 * checkpoint is stored); the tests also kill it with SIGKILL at random moments.
 */
import { appendFileSync } from "node:fs";
import { AsyncClient } from "../../src/index.js";
import { FileCheckpointStore } from "../../src/ws/checkpoints/index.js";

const { MM_URL, MM_TOKEN, CHECKPOINT, LOG } = process.env;
if (!MM_URL || !MM_TOKEN || !CHECKPOINT || !LOG) throw new Error("MM_URL, MM_TOKEN, CHECKPOINT and LOG are needed");

const client = new AsyncClient({ url: MM_URL, auth: { token: MM_TOKEN } });
const ws = client.websocket({
  checkpoint: new FileCheckpointStore(CHECKPOINT),
  initialReconnectDelay: 20,
  maxReconnectDelay: 200,
});
ws.on("posted", (event) => {
  const post = event.data.post;
  appendFileSync(LOG, `${post.id} ${post.channel_id} ${post.create_at}\n`);
});
ws.on("error", (error) => process.stderr.write(`bot: ${error.message}\n`));
process.on("SIGTERM", () => {
  void client.close().then(() => process.exit(0));
});
await ws.connect();
process.send?.("ready");
