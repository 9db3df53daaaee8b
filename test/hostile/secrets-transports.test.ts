/**
 * SEC: a message the client builds from a thrown error never holds a secret, whichever transport threw it. fetch
 * quotes an invalid header value in its TypeError (refused at construction, see secrets-headers), and a custom
 * fetch or Transport may quote anything: the token, a header, the request URL. The client cuts the secrets out of
 * the message and of the whole cause chain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient, ConnectionError, type Transport } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import type { TestServer } from "../helpers/http-server.js";
import { expectNoSecret, S, startEchoServer } from "./helpers/secrets-servers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server?.close();
});

const headers = { "X-Api-Token": S.custom, Cookie: `MMAUTHTOKEN=${S.cookie}` };

/** What a runtime's error might say about the request it failed: its headers and URL, quoted. */
function quoting(url: string, h: Record<string, string>): string {
  return `Headers.append: "${h.authorization}" is an invalid header value; cookie "${h.cookie}" x "${h["x-api-token"]}" for ${url}`;
}

describe("a fetch that throws quoting the request", () => {
  it("fetch transport: ConnectionError, message and cause chain without the token or header values", async () => {
    const client = new AsyncClient({
      url: server.url,
      auth: { token: S.token },
      headers,
      maxRetries: 0,
      fetch: async (url, init) => {
        const inner = new Error(`socket said ${quoting(url, init.headers as Record<string, string>)}`);
        throw new TypeError(quoting(url, init.headers as Record<string, string>), { cause: inner });
      },
    });
    const error = await caught(client.request("GET", "/api/v4/users/me", { query: { access_token: S.token } }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/is an invalid header value/); // the runtime's words are kept
    expect(error.cause?.cause).toBeInstanceOf(TypeError); // the chain keeps its classes
    expectNoSecret(error);
    await client.close();
  });

  it("a password client: the password and the login's token are cut out too", async () => {
    let calls = 0;
    const client = new AsyncClient({
      url: server.url,
      auth: { loginId: "someone", password: S.password },
      maxRetries: 0,
      fetch: async (url, init) => {
        if (calls++ === 0) return globalThis.fetch(url, init); // the login, for real
        throw new TypeError(`${quoting(url, init.headers as Record<string, string>)} body ${String(init.body)}`);
      },
    });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(client.token).toBe(S.loginToken);
    expectNoSecret(error);
    await client.close();
  });
});

describe("a custom Transport (the undici path's messages are built the same way)", () => {
  it("an error quoting the Authorization header, with a cause quoting the URL", async () => {
    const transport: Transport = {
      async request(req) {
        const cause = Object.assign(new Error(`connect failed for ${req.url}`), { code: "ECONNRESET", url: req.url });
        throw Object.assign(new Error(`request failed: authorization: ${req.headers.authorization}`), { cause });
      },
      close: async () => {},
    };
    const client = new AsyncClient({ url: server.url, auth: { token: S.token }, transport, maxRetries: 0 });
    const error = await caught(
      client.request("GET", "/api/v4/x", { query: { refresh_token: S.refresh, code: S.code } }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.cause.cause.code).toBe("ECONNRESET"); // what helps a diagnosis stays
    expectNoSecret(error);
    await client.close();
  });
});

describe.each(["undici", "fetch"] as const)("real failures on the %s transport", (transport) => {
  it("a connection refused: no token in the error", async () => {
    const client = new AsyncClient({ url: "http://127.0.0.1:1", auth: { token: S.token }, transport, maxRetries: 0 });
    const error = await caught(client.request("GET", "/api/v4/users/me", { query: { client_secret: S.clientSecret } }));
    expect(error).toBeInstanceOf(ConnectionError);
    expectNoSecret(error);
    await client.close();
  });

  it("a connection dropped mid-request: no token or header value in the error", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: S.token }, headers, transport, maxRetries: 0 });
    const error = await caught(client.request("GET", "/api/v4/reset"));
    expect(error).toBeInstanceOf(ConnectionError);
    expectNoSecret(error);
    await client.close();
  });
});
