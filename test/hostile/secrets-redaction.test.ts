/**
 * SEC: every public object (clients, sessions, the event stream client, the options the client keeps, errors and
 * their causes, a response's info) prints no secret through JSON.stringify, util.inspect or console.log, while the
 * values the client needs keep working. Errors come from a loopback server that echoes the credentials back.
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactText, redactUrl } from "../../src/core/redact.js";
import {
  ApiError,
  AsyncClient,
  ConnectionError,
  InternalServerError,
  InvalidOrMissingParameters,
} from "../../src/index.js";
import { createTestServer } from "../../src/testing/index.js";
import { caught } from "../helpers/caught.js";
import { startProxy, type TestProxy, type TestServer } from "../helpers/http-server.js";
import { expectNoSecret, S, startEchoServer } from "./helpers/secrets-servers.js";

let server: TestServer;
let proxy: TestProxy;
beforeAll(async () => {
  server = await startEchoServer();
  proxy = await startProxy();
});
afterAll(async () => {
  await server?.close();
  await proxy?.close();
});

const secretHeaders = {
  Authorization: `Bearer ${S.header}`,
  Cookie: `MMAUTHTOKEN=${S.cookie}`,
  "X-Api-Token": S.custom,
};

describe("clients and what they keep", () => {
  it("a token client, its options, its WebSocket client: no token, header, proxy password or TLS key", async () => {
    const proxyUrl = proxy.url.replace("://", `://proxyuser:${S.proxyPassword}@`);
    const client = new AsyncClient({
      url: server.url,
      auth: { token: S.token },
      headers: secretHeaders,
      proxy: proxyUrl,
      tls: {
        rejectUnauthorized: true,
        cert: "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----",
        key: S.tlsKey,
      },
    });
    try {
      const text = expectNoSecret(client);
      expect(text).toContain(server.url); // still says which server it talks to
      expectNoSecret(client._core);
      expectNoSecret(client._core.options);
      expectNoSecret(client._core.options.auth);
      expectNoSecret(client._core.options.headers);
      expectNoSecret(client._core.options.proxy);
      expectNoSecret(client.websocket());
      // Redaction is for printing only: the client still holds and uses what it was given.
      expect(client.token).toBe(S.token);
      expect(client._core.options.proxy?.url).toBe(proxyUrl);
    } finally {
      await client.close();
    }
  });

  it("a password client (with MFA code) and its session, before and after login", async () => {
    const client = new AsyncClient({
      url: server.url,
      auth: { loginId: "someone", password: S.password, mfaToken: S.mfa },
      transport: "fetch",
    });
    expectNoSecret(client);
    expect(await client.login()).toBe(S.loginToken);
    expectNoSecret(client);
    const session = await client.session();
    try {
      expect(session.token).toBe(S.loginToken);
      expectNoSecret(session);
      expectNoSecret(session.websocket());
    } finally {
      await session.close();
      await client.close();
    }
    expectNoSecret(client);
  });

  it("the original options object is not altered by the client", () => {
    const options = {
      url: server.url,
      auth: { token: S.token },
      proxy: { url: proxy.url, authorization: S.proxyAuth },
      tls: Object.freeze({ rejectUnauthorized: false }),
      headers: { "X-Api-Token": S.custom },
    };
    const client = new AsyncClient(options);
    expect(JSON.stringify(options)).toContain(S.token);
    for (const part of [options, options.auth, options.proxy, options.tls, options.headers]) {
      expect(Object.getOwnPropertyNames(part)).not.toContain("toJSON");
    }
    expectNoSecret(client);
    void client.close();
  });

  it("a login's response info masks the Token and Set-Cookie headers when printed, keeps them when read", async () => {
    const client = new AsyncClient({ url: server.url });
    const { response } = await client
      .request("POST", "/api/v4/users/login", { auth: false, body: { login_id: "someone", password: S.password } })
      .withResponse();
    expectNoSecret(response);
    expect(response.headers.token).toBe(S.loginToken);
    await client.close();
  });
});

describe.each(["undici", "fetch"] as const)("errors from a server that echoes the credentials (%s)", (transport) => {
  const query = {
    access_token: S.token,
    refresh_token: S.refresh,
    client_secret: S.clientSecret,
    code: S.code,
    password: S.password,
    token: S.token,
    page: 2,
  };

  it("400 AppError: URL masked, message and body scrubbed, Set-Cookie and Token headers masked", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: S.token }, headers: secretHeaders, transport });
    const error = await caught(client.request("GET", "/api/v4/echo400", { query }));
    expect(error).toBeInstanceOf(InvalidOrMissingParameters);
    expect(error.url).toMatch(/access_token=\*\*\*&refresh_token=\*\*\*&client_secret=\*\*\*&code=\*\*\*/);
    expect(error.url).toContain("page=2"); // the rest of the URL stays readable
    expect(error.id).toBe("api.echo.app_error");
    expect(error.headers["set-cookie"]).toBe("***");
    // The server did echo the credentials; what remains of the echo is masked, the rest intact.
    expect(error.body.message).toContain("/api/v4/echo400?access_token=***&refresh_token=***");
    expect(inspect(error)).toContain("password=***&token=***&page=2)");
    expectNoSecret(error);
    await client.close();
  });

  it("500 text: the quoted body is scrubbed of the token and the header values", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: S.token }, headers: secretHeaders, transport });
    const error = await caught(client.request("GET", "/api/v4/echo500", { query, maxRetries: 0 }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toMatch(/internal error while serving/);
    expectNoSecret(error);
    await client.close();
  });

  it("a dropped connection: ConnectionError and its cause chain hold no secret", async () => {
    const client = new AsyncClient({ url: server.url, auth: { token: S.token }, transport, maxRetries: 0 });
    const error = await caught(client.request("GET", "/api/v4/reset", { query }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.cause).toBeDefined();
    expectNoSecret(error);
    await client.close();
  });
});

describe("through a proxy with a password in its URL (undici)", () => {
  it("calls go through, and neither the client nor an error prints the proxy password", async () => {
    const proxyUrl = proxy.url.replace("://", `://proxyuser:${S.proxyPassword}@`);
    const client = new AsyncClient({ url: server.url, auth: { token: S.token }, proxy: proxyUrl, maxRetries: 0 });
    await client.request("GET", "/api/v4/ok");
    expect(proxy.authorizations.at(-1)).toBe(`Basic ${Buffer.from(`proxyuser:${S.proxyPassword}`).toString("base64")}`);
    const error = await caught(client.request("GET", "/api/v4/echo400", { query: { client_secret: S.clientSecret } }));
    expect(error).toBeInstanceOf(ApiError);
    expectNoSecret(error, [proxy.authorizations.at(-1) as string]);
    expectNoSecret(client, [proxy.authorizations.at(-1) as string]);
    await client.close();
  });

  it("a proxy that is down: the ConnectionError names no password", async () => {
    const client = new AsyncClient({
      url: server.url,
      auth: { token: S.token },
      proxy: `http://proxyuser:${S.proxyPassword}@127.0.0.1:1`,
      maxRetries: 0,
      timeout: 2000,
    });
    const error = await caught(client.request("GET", "/api/v4/ok"));
    expect(error).toBeInstanceOf(ConnectionError);
    expectNoSecret(error);
    await client.close();
  });
});

describe("the rule (redact.ts)", () => {
  it.each([
    ["http://u:p@host:1/a?x=1", "http://***@host:1/a?x=1"],
    ["https://user@[::1]:8065/p", "https://***@[::1]:8065/p"],
    [
      "/api/v4/x?refresh_token=r&client_secret=c&code=k&page=1",
      "/api/v4/x?refresh_token=***&client_secret=***&code=***&page=1",
    ],
    ["/cb#access_token=t&state=s", "/cb#access_token=***&state=s"],
    ["/x?access%5Ftoken=t&MFA_TOKEN=m&x-csrf-token=c", "/x?access%5Ftoken=***&MFA_TOKEN=***&x-csrf-token=***"],
    ["http://host/path@x?tokenize=1", "http://host/path@x?tokenize=1"],
  ])("redactUrl(%s)", (url, masked) => {
    expect(redactUrl(url)).toBe(masked);
  });

  it("redactText masks known values, Bearer/Basic credentials and secret pairs, and keeps the rest", () => {
    const text = `failed (GET http://a:b@h/x?token=t1) Authorization: Bearer abc.def MMAUTHTOKEN=zz code=ECONNRESET ${S.password} /cb?state=1&code=k1`;
    expect(redactText(text, [S.password])).toBe(
      "failed (GET http://***@h/x?token=***) Authorization: Bearer *** MMAUTHTOKEN=*** code=ECONNRESET *** /cb?state=1&code=***",
    );
    expect(redactText("connect ECONNREFUSED 127.0.0.1:1")).toBe("connect ECONNREFUSED 127.0.0.1:1");
  });
});

describe("a connected event stream", () => {
  it("the WebSocket client of a password client, connected and after close, prints no secret", async () => {
    const fake = await createTestServer();
    const { username, password } = fake.admin;
    const client = new AsyncClient({ url: fake.url, auth: { loginId: username, password } });
    const ws = client.websocket({ reconnect: false });
    try {
      await ws.connect();
      const token = client.token as string;
      expect(token).toBeTruthy();
      expectNoSecret(ws, [password, token]);
      ws.close();
      expectNoSecret(ws, [password, token]);
    } finally {
      ws.close();
      await client.close();
      await fake.close();
    }
  });
});
