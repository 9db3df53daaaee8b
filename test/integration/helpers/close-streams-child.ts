/**
 * A process that opens event streams (an iterator, startWs, a stream that cannot connect and keeps retrying), then
 * calls client.close(): the process must then end by itself, nothing left holding it open. It tells its parent
 * what ended.
 */
import { AsyncClient } from "../../../src/index.js";

const [url, token, deadUrl] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);

const client = new AsyncClient({ url, auth: { token } });
const ws = client.websocket();
await ws.connect();
const iterated = (async () => {
  for await (const _ of ws);
  return "iterator";
})();
const started = client.startWs(() => {}).then(() => "startWs");
// A stream to a port nobody listens on: it retries with backoff until closed.
const dead = new AsyncClient({ url: deadUrl, auth: { token } });
const retrying = dead.websocket({ initialReconnectDelay: 50 });
retrying.on("error", () => {});
const retried = (async () => {
  for await (const _ of retrying);
  return "retrying iterator";
})().catch(() => "retrying iterator");
await new Promise((resolve) => setTimeout(resolve, 300));
await Promise.all([client.close(), dead.close()]);
send({ ended: await Promise.all([iterated, started, retried]), states: [ws.state, retrying.state] });
