/**
 * SEC: a value sent as a header (token, userAgent, custom headers, proxy authorization, a per-call header, the
 * token a login answers) with CR, LF, NUL or another control character is refused before anything is sent, with an
 * error naming where it came from and never quoting it. A url or proxy that cannot be used is described without
 * its credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient, MatterapiError, SyncClient, type Transport, UsageError } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import type { TestServer } from "../helpers/http-server.js";
import { S, startEchoServer } from "./helpers/secrets-servers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server?.close();
});

const BAD = { CR: "\r", LF: "\n", CRLF: "\r\nX-Injected: 1", NUL: "\0", DEL: "\x7f", BEL: "\x07", "U+2028": "\u2028" };

function refused(make: () => unknown, option: string): void {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UsageError);
  const message = (error as Error).message;
  expect(message).toContain(`option ${option} `);
  expect(message).not.toMatch(/SECRET|Injected/);
}

describe.each(Object.entries(BAD))("a header value with %s", (_name, bad) => {
  const value = `${S.token}${bad}tail`;
  const url = "https://chat.example.com";

  it("is refused at construction for each option that becomes a header, naming the option", () => {
    refused(() => new AsyncClient({ url, auth: { token: value } }), "auth.token");
    refused(() => new AsyncClient({ url, userAgent: value }), "userAgent");
    refused(() => new AsyncClient({ url, headers: { Authorization: `Bearer ${value}` } }), "headers.Authorization");
    refused(() => new AsyncClient({ url, headers: { "X-Custom": value } }), "headers.X-Custom");
    refused(
      () => new AsyncClient({ url, proxy: { url: "http://127.0.0.1:3128", authorization: value } }),
      "proxy.authorization",
    );
    // The SyncClient checks its options the same way, before it starts a worker.
    refused(() => new SyncClient({ url, auth: { token: value } }), "auth.token");
  });

  it("is refused in a per-call header, before anything is sent", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: S.token } });
    const before = server.requests.length;
    const error = await caught(client.request("GET", "/api/v4/ok", { headers: { "X-Custom": value } }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain("headers.X-Custom");
    expect(error.message).not.toMatch(/SECRET|Injected/);
    expect(server.requests.length).toBe(before);
    await client.close();
  });
});

describe("what stays accepted", () => {
  it("tabs, spaces and Latin-1 characters are valid header values", () => {
    const client = new AsyncClient({
      url: "https://chat.example.com",
      auth: { token: "abc\tdef ghi" },
      userAgent: "bot/1.0 (caf\u00e9)",
      headers: { "X-Note": "a b\tc" },
    });
    expect(client.token).toBe("abc\tdef ghi");
    void client.close();
  });
});

describe("a token given later", () => {
  it("a login answering a Token header with a control character fails without quoting it or sending it", async () => {
    const sent: Record<string, string>[] = [];
    const transport: Transport = {
      async request(req) {
        sent.push(req.headers);
        const headers: Record<string, string> = { token: `${S.loginToken}\u0001x`, "content-type": "application/json" };
        return {
          status: 200,
          header: (name) => headers[name],
          headers: () => headers,
          text: async () => "{}",
          bytes: async () => new Uint8Array(),
          stream: () => new ReadableStream(),
          discard: async () => {},
        };
      },
      close: async () => {},
    };
    const client = new AsyncClient({
      url: "https://chat.example.com",
      auth: { loginId: "someone", password: S.password },
      transport,
    });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(MatterapiError);
    expect(error.message).toMatch(/Token header with characters invalid in a header/);
    expect(error.message).not.toContain("SECRET");
    expect(sent).toHaveLength(1); // the login only: the bad token was never sent back
    expect(client.token).toBeUndefined();
    await client.close();
  });
});

describe("a url or proxy that cannot be used", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "url with user:password@",
      { url: `https://admin:${S.password}@chat.example.com` },
      /url must not contain credentials/,
    ],
    [
      "url without a scheme but with credentials",
      { url: `admin:${S.password}@chat.example.com` },
      /url must not contain credentials/,
    ],
    ["url that does not parse", { url: `https://admin:${S.password}@[bad` }, /url must not contain credentials/],
    [
      "url without a scheme, with a token parameter",
      { url: `chat.example.com/?access_token=${S.token}` },
      /absolute URL/,
    ],
    [
      "url that does not parse, with a token parameter",
      { url: `http://[bad/?token=${S.token}` },
      /url must be a valid URL/,
    ],
    [
      "socks proxy with credentials",
      { url: "https://x", proxy: `socks5://u:${S.proxyPassword}@p:1080` },
      /proxy must be an http\(s\) URL, got "socks5:\/\/\*\*\*@p:1080"/,
    ],
    [
      "proxy without a scheme",
      { url: "https://x", proxy: `u:${S.proxyPassword}@p:1080` },
      /proxy must be an http\(s\) URL/,
    ],
    [
      "proxy object that does not parse",
      { url: "https://x", proxy: { url: `http://u:${S.proxyPassword}@[p` } },
      /proxy must be an http\(s\) URL/,
    ],
  ];
  it.each(cases)("%s: UsageError without the credentials", (_name, options, message) => {
    let error: unknown;
    try {
      new AsyncClient(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("SECRET");
  });
});
