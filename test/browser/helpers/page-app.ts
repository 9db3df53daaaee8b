/**
 * The app the browser tests load (bundled by esbuild for browsers, from the sources): each step is a function on
 * `globalThis.matterapiTest` that the test calls with page.evaluate() and that answers plain data. The event stream
 * lives across steps, so that the test can drop the server's sockets between them.
 */
import {
  AsyncClient,
  type ClientOptions,
  type MattermostWebSocket,
  toFile,
  type WebSocketOptions,
} from "../../../src/portable.js";

export type Auth = ClientOptions["auth"];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The stream kept between steps. */
const live: {
  client: AsyncClient | undefined;
  ws: MattermostWebSocket | undefined;
  posts: string[];
  missed: number;
  errors: string[];
  connectionIds: string[];
} = { client: undefined, ws: undefined, posts: [], missed: 0, errors: [], connectionIds: [] };

function failure(error: unknown): { name: string; message: string } {
  const e = error as Error;
  return { name: e?.name ?? "?", message: e?.message ?? String(error) };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

const steps = {
  /** REST: me (with the answer's headers), uploads of a Blob, a File and a web stream, downloads of each. */
  async rest(args: { url: string; auth: Auth; channelId: string }) {
    const client = new AsyncClient({ url: args.url, auth: args.auth });
    try {
      const { data: me, response } = await client.users.getUser("me").withResponse();
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("streamed "));
          controller.enqueue(encoder.encode("from the page"));
          controller.close();
        },
      });
      const up = await client.files.uploadFile({
        channel_id: args.channelId,
        files: [
          toFile(new Blob(["a Blob"], { type: "text/plain" }), "blob.txt"),
          toFile(new File(["a File"], "picked.txt", { type: "text/plain" }), "file.txt"),
          toFile(stream, "stream.txt", { type: "text/plain" }),
        ],
      });
      const downloads: Record<string, string> = {};
      for (const info of up.file_infos ?? []) {
        downloads[info.name] = decoder.decode(await client.files.getFile(info.id));
      }
      const first = up.file_infos?.[0];
      const streamed = first ? await readAll(await client.files.getFile(first.id).stream()) : "";
      const post = await client.posts.createPost({
        channel_id: args.channelId,
        message: "files from the page",
        file_ids: (up.file_infos ?? []).map((f) => f.id),
      });
      return {
        username: me.username,
        requestId: response.requestId ?? null,
        versionId: response.headers["x-version-id"] ?? null,
        downloads,
        streamed,
        postFiles: post.file_ids?.length ?? 0,
      };
    } finally {
      await client.close();
    }
  },

  /** Opens the event stream and records what it delivers. */
  async streamStart(args: { url: string; auth: Auth; options?: WebSocketOptions }) {
    await steps.streamStop();
    live.posts = [];
    live.missed = 0;
    live.errors = [];
    live.connectionIds = [];
    const client = new AsyncClient({ url: args.url, auth: args.auth });
    const ws = client.websocket({ initialReconnectDelay: 200, maxReconnectDelay: 1000, ...args.options });
    ws.on("posted", (event) => live.posts.push(event.data.post.message));
    ws.on("missed", () => live.missed++);
    ws.on("error", (error) => live.errors.push(error.message));
    ws.on("hello", (event) => live.connectionIds.push(event.data.connection_id));
    live.client = client;
    live.ws = ws;
    await ws.connect();
    return { state: ws.state, connectionId: ws.connectionId };
  },

  /** Waits until the stream has delivered a post with this message (and is open), or `ms` passed. */
  async streamWaitFor(args: { message: string; ms: number }) {
    const until = Date.now() + args.ms;
    while (Date.now() < until) {
      if (live.posts.includes(args.message) && live.ws?.state === "open") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return {
      received: live.posts.includes(args.message),
      state: live.ws?.state ?? "none",
      connectionId: live.ws?.connectionId ?? "",
      hellos: live.connectionIds.length,
      missed: live.missed,
      errors: live.errors,
    };
  },

  /** Waits until the stream is open after `hellos` hellos (a fresh start after a drop brings a new one). */
  async streamWaitHellos(args: { hellos: number; ms: number }) {
    const until = Date.now() + args.ms;
    const ready = () => live.ws?.state === "open" && live.connectionIds.length >= args.hellos;
    while (Date.now() < until && !ready()) await new Promise((resolve) => setTimeout(resolve, 50));
    return { state: live.ws?.state ?? "none", hellos: live.connectionIds.length };
  },

  async streamPost(args: { channelId: string; message: string }) {
    if (!live.client) throw new Error("no stream");
    await live.client.posts.createPost({ channel_id: args.channelId, message: args.message });
    return true;
  },

  async streamStop() {
    live.ws?.close();
    await live.client?.close();
    live.ws = undefined;
    live.client = undefined;
    return true;
  },

  /** A call the browser refuses (CORS): what it fails with. */
  async blocked(args: { url: string; auth: Auth }) {
    const client = new AsyncClient({ url: args.url, auth: args.auth });
    try {
      await client.users.getUser("me");
      return { ok: true };
    } catch (error) {
      return failure(error);
    } finally {
      await client.close();
    }
  },

  /** A cookie session: login, a GET, a POST (CSRF), what the page sees of the cookies, then logout. */
  async cookieSession(args: { url: string; auth: Auth; channelId: string }) {
    const client = new AsyncClient({ url: args.url, auth: args.auth });
    try {
      const me = await client.users.getUser("me");
      const post = await client.posts.createPost({ channel_id: args.channelId, message: "cookie session post" });
      // Another client on the session the browser now has: { cookie: true } alone, no login of its own.
      const borrowed = new AsyncClient({ url: args.url, auth: { cookie: true } });
      const again = await borrowed.users.getUser("me");
      await borrowed.close(); // not its session: no logout
      const stillIn = await client.users.getUser("me");
      return {
        username: me.username,
        borrowed: again.username,
        stillIn: stillIn.username,
        postId: post.id,
        token: client.token ?? null,
        csrfCookie: /(?:^|;\s*)MMCSRF=/.test(document.cookie),
        authCookieVisible: /(?:^|;\s*)MMAUTHTOKEN=/.test(document.cookie),
      };
    } catch (error) {
      return failure(error);
    } finally {
      await client.close();
    }
  },

  /** A call with validation on (a page whose CSP forbids eval). */
  async validated(args: { url: string; auth: Auth; teamId: string }) {
    const client = new AsyncClient({ url: args.url, auth: args.auth, validation: "strict" });
    try {
      const me = await client.users.getUser("me");
      const channels = await client.channels.getChannelsForTeamForUser("me", args.teamId);
      return { username: me.username, channels: channels.length };
    } catch (error) {
      return failure(error);
    } finally {
      await client.close();
    }
  },

  /**
   * Whether this page may compile code at run time (a strict CSP makes new Function throw an EvalError). Tried in
   * a timer of the page's own: Chromium lets code run synchronously by DevTools' evaluate bypass the CSP.
   */
  async evalAllowed() {
    return new Promise<string>((resolve) => {
      setTimeout(() => {
        try {
          resolve(new Function("return 'allowed'")() as string);
        } catch (error) {
          resolve((error as Error).name);
        }
      }, 0);
    });
  },

  /** The same client in a Web Worker (worker-app.ts): what it got, and the headers it set on its calls. */
  async inWorker(args: { url: string; auth: Auth }) {
    const worker = new Worker("/worker.js");
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the worker did not answer within 20 s")), 20_000);
        worker.onmessage = (event) => {
          clearTimeout(timer);
          resolve(event.data);
        };
        worker.onerror = (event) => {
          clearTimeout(timer);
          reject(new Error(`worker error: ${event.message}`));
        };
        worker.postMessage(args);
      });
    } finally {
      worker.terminate();
    }
  },
};

export type Steps = typeof steps;

(globalThis as unknown as { matterapiTest: Steps }).matterapiTest = steps;
