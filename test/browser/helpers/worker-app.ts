/**
 * The client in a Web Worker (bundled like page-app.ts): on a message { url, auth } it calls the server and answers
 * what it got and which headers the client set itself (fetch is wrapped to see them). A User-Agent set by the
 * client would be sent by Firefox and named in every preflight; a worker must leave it to the browser.
 */
import { AsyncClient, type ClientOptions } from "../../../src/portable.js";

const seen = new Set<string>();
const realFetch = globalThis.fetch.bind(globalThis);
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  for (const name of Object.keys((init?.headers as Record<string, string> | undefined) ?? {})) {
    seen.add(name.toLowerCase());
  }
  return realFetch(input, init);
};

globalThis.onmessage = async (event: MessageEvent<{ url: string; auth: ClientOptions["auth"] }>) => {
  const client = new AsyncClient({ url: event.data.url, auth: event.data.auth });
  try {
    const me = await client.users.getUser("me");
    const ping = await client.system.getPing();
    postMessage({ username: me.username, ping: (ping as { status?: string }).status ?? null, headers: [...seen] });
  } catch (error) {
    postMessage({ error: `${(error as Error).name}: ${(error as Error).message}`, headers: [...seen] });
  } finally {
    await client.close();
  }
};
