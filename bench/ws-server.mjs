// The WebSocket benchmark's server: on each connection, says hello, answers the client's first action, then
// sends COUNT `posted` events (a ~1 KB post, JSON-encoded inside the event as the server does) as fast as the
// socket drains. Runs in its own process; prints its URL on the first line of stdout.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const COUNT = Number(process.argv[2] ?? 100_000);
const post = {
  id: "p".repeat(26),
  create_at: 1717000000000,
  update_at: 1717000000000,
  edit_at: 0,
  delete_at: 0,
  is_pinned: false,
  user_id: "u".repeat(26),
  channel_id: "c".repeat(26),
  root_id: "",
  original_id: "",
  message: "The quick brown fox jumps over the lazy dog. ".repeat(17).trim(),
  type: "",
  props: {},
  hashtags: "",
  file_ids: [],
  pending_post_id: "",
  reply_count: 0,
  last_reply_at: 0,
  metadata: {},
};
// The frame is built once; each event only splices in its seq (and a post id made from it).
const template = `{"event":"posted","data":{"channel_display_name":"Town Square","channel_name":"town-square","channel_type":"O","post":${JSON.stringify(JSON.stringify({ ...post, id: "@ID@" }))},"sender_name":"@bench","set_online":true,"team_id":"${"t".repeat(26)}"},"broadcast":{"omit_users":null,"user_id":"","channel_id":"${"c".repeat(26)}","team_id":"","connection_id":"","omit_connection_id":""},"seq":@SEQ@}`;
const [head, middle, tail] = template.split(/@ID@|@SEQ@/);
const frame = (seq) => `${head}${String(seq).padStart(26, "p")}${middle}${seq}${tail}`;

const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on("connection", (ws) => {
  ws.send(
    JSON.stringify({
      event: "hello",
      data: { server_version: "bench", connection_id: "b".repeat(26) },
      broadcast: {},
      seq: 0,
    }),
  );
  let started = false;
  ws.on("message", (raw) => {
    const message = JSON.parse(String(raw));
    ws.send(JSON.stringify({ status: "OK", seq_reply: message.seq, data: { text: "pong" } }));
    if (started) return;
    started = true;
    let seq = 1;
    // Frames are corked into batches so that this server, not the client under test, does not bound the rate.
    const socket = ws._socket;
    const pump = () => {
      socket.cork();
      for (let i = 0; i < 256 && seq <= COUNT; i++) ws.send(frame(seq++));
      socket.uncork();
      if (seq <= COUNT) {
        if (ws.bufferedAmount > 4 * 1024 * 1024) setTimeout(pump, 1);
        else setImmediate(pump);
      }
    };
    pump();
  });
});
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on("disconnect", () => process.exit(0));
