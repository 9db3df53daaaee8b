/**
 * A hostile event-stream server in a child process, for the SyncClient (which blocks its own thread while it
 * waits): it sends a hello, then `null`, then events named `constructor` and `__proto__`, then a `typing` event.
 */
import { startHostileServer } from "./ws-servers.js";

const server = await startHostileServer({
  kind: "script",
  run: (peer) => {
    peer.hello();
    peer.send("null");
    peer.event("constructor", {}, 1);
    peer.event("__proto__", {}, 2);
    peer.event("typing", {}, 3);
  },
});
process.send?.({ url: server.url });
process.on("disconnect", () => void server.close().then(() => process.exit(0)));
