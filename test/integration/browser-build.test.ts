/**
 * The browser build: a browser bundler resolving "matterapi" (package.json `exports`, condition "browser") must
 * meet no Node-only import, and the bundle must work where Node's globals are missing. The bundle runs in a V8
 * context of its own that has a browser's globals (fetch, a WHATWG WebSocket, Blob ...) and no process, Buffer or
 * require, against the fake server: password login, REST calls, an upload and a download, the event stream with
 * challenge auth, and the errors for what needs Node.
 */
import { createContext, runInContext } from "node:vm";
import { build } from "esbuild";
import { WebSocket as WhatwgWebSocket } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkedProject } from "../../scripts/pack-copy.mjs";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

/** What the page does; its result is plain data, read back in the test. */
const PAGE = `
import { AsyncClient, fromPath } from "matterapi";

globalThis.page = async (url, login, channelId) => {
  const out = { runtime: typeof process };
  const client = new AsyncClient({ url, auth: login });
  const me = await client.users.getUser("me");
  out.username = me.username;
  const ws = client.websocket();
  await ws.connect();
  out.connected = ws.state;
  const posted = new Promise((resolve) => ws.on("posted", (event) => resolve(event.data.post.message)));
  const upload = await client.files.uploadFile({ channel_id: channelId, files: { "hello.txt": new Blob(["hello, browser"]) } });
  const fileId = upload.file_infos[0].id;
  out.downloaded = new TextDecoder().decode(await client.files.getFile(fileId));
  await client.posts.createPost({ channel_id: channelId, message: "from the page", file_ids: [fileId] });
  out.posted = await posted;
  ws.close();
  try {
    await client.users.getUser("x".repeat(26)); // a well-formed id nobody has
  } catch (error) {
    out.notFound = error.constructor.name;
  }
  try {
    await client.files.uploadFile({ channel_id: channelId, files: { "a.txt": fromPath("/etc/hostname") } });
  } catch (error) {
    out.fromPath = error.constructor.name + ": " + error.message;
  }
  try {
    await new AsyncClient({ url, transport: "undici" }).system.getPing();
  } catch (error) {
    out.undici = error.constructor.name + ": " + error.message;
  }
  await client.close();
  return out;
};
`;

let server: TestServer;
let bundle: { code: string; inputs: string[] };

beforeAll(async () => {
  // A project that depends on matterapi, bundled for browsers as a web app's bundler would.
  const app = linkedProject("matterapi-browser-");
  const result = await build({
    stdin: { contents: PAGE, resolveDir: app, sourcefile: "page.js" },
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  bundle = { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
  server = await createTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** A context with a browser's globals only. */
function browserLikeContext(): Record<string, unknown> {
  const names = [
    "fetch",
    "Headers",
    "Request",
    "Response",
    "FormData",
    "Blob",
    "File",
    "ReadableStream",
    "WritableStream",
    "TransformStream",
    "TextEncoder",
    "TextDecoder",
    "URL",
    "URLSearchParams",
    "AbortController",
    "AbortSignal",
    "Event",
    "EventTarget",
    "DOMException",
    "Uint8Array",
    "ArrayBuffer",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "queueMicrotask",
    "structuredClone",
    "crypto",
    "performance",
    "console",
    "atob",
    "btoa",
  ];
  const context: Record<string, unknown> = Object.fromEntries(
    names.map((name) => [name, (globalThis as Record<string, unknown>)[name]]),
  );
  context.WebSocket = WhatwgWebSocket;
  context.globalThis = context;
  context.window = context;
  return context;
}

describe("the browser build", () => {
  it("bundles for browsers without undici, ws or any node: module", () => {
    expect(bundle.inputs.some((input) => input.includes("dist/portable.js"))).toBe(true);
    const nodeOnly = bundle.inputs.filter((input) =>
      /node_modules\/(undici|ws|https-proxy-agent)\/|^node:/.test(input),
    );
    expect(nodeOnly).toEqual([]);
    expect(bundle.code).not.toMatch(/\brequire\(["']node:/);
  });

  it("works where Node's globals are missing: REST, upload and download, the event stream, clear errors", async () => {
    const context = createContext(browserLikeContext());
    runInContext(bundle.code, context);
    const page = context.page as (url: string, login: unknown, channelId: string) => Promise<Record<string, string>>;
    const before = server.stats.logins;
    const out = await page(
      server.url,
      { loginId: server.user.username, password: server.user.password },
      server.channels.general.id,
    );
    expect(out.runtime).toBe("undefined");
    expect(out.username).toBe(server.user.username);
    expect(server.stats.logins - before).toBe(1);
    expect(out.connected).toBe("open");
    expect(out.downloaded).toBe("hello, browser");
    expect(out.posted).toBe("from the page");
    expect(out.notFound).toBe("ResourceNotFound");
    expect(out.fromPath).toMatch(/^UsageError: .*file system/);
    expect(out.undici).toMatch(/^UsageError: the undici transport is not in matterapi's browser build/);
  });
});
