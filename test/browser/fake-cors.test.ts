/**
 * The fake server's CORS mode, cookie sessions and WebSocket Origin check, on the wire (no browser needed): what
 * the browser tests rely on, checked header by header against what Mattermost (rs/cors, web/handlers.go) sends.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

const PAGE = "http://127.0.0.1:1";

let cors: TestServer;
let plain: TestServer;

beforeAll(async () => {
  [cors, plain] = await Promise.all([
    createTestServer({
      cors: { allowFrom: PAGE, exposedHeaders: ["Token", "X-Request-Id"], allowCredentials: true },
      strictCsrf: true,
    }),
    createTestServer(),
  ]);
});

afterAll(async () => {
  await Promise.all([cors?.close(), plain?.close()]);
});

function preflight(server: TestServer, origin: string, method = "POST") {
  return request(`${server.url}/api/v4/users/login`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "Content-Type" },
  });
}

/** The status of a WebSocket upgrade with this Origin (101 when accepted). */
function upgrade(server: TestServer, origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/v4/websocket`, {
      headers: origin ? { origin } : {},
    });
    ws.on("upgrade", () => {
      resolve(101);
      ws.terminate();
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("error", () => resolve(0));
  });
}

describe("the fake server's CORS mode (rs/cors as Mattermost configures it)", () => {
  it("answers an allowed preflight with the origin, the method, the headers asked for, max age and credentials", async () => {
    const res = await preflight(cors, PAGE);
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(PAGE);
    expect(res.headers["access-control-allow-methods"]).toBe("POST");
    expect(res.headers["access-control-allow-headers"]).toBe("content-type");
    expect(res.headers["access-control-max-age"]).toBe("86400");
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    expect(String(res.headers.vary)).toContain("Access-Control-Request-Method");
  });

  it("gives a disallowed origin, or a method Mattermost does not list, no CORS header", async () => {
    for (const res of [await preflight(cors, "http://evil.example"), await preflight(cors, PAGE, "TRACE")]) {
      await res.body.dump();
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });

  it("adds the exposed headers to an allowed origin's answers, and nothing to another's", async () => {
    const allowed = await request(`${cors.url}/api/v4/system/ping`, { headers: { origin: PAGE } });
    await allowed.body.dump();
    expect(allowed.headers["access-control-allow-origin"]).toBe(PAGE);
    expect(allowed.headers["access-control-expose-headers"]).toBe("Token, X-Request-Id");
    expect(allowed.headers.vary).toBe("Origin");
    const other = await request(`${cors.url}/api/v4/system/ping`, { headers: { origin: "http://evil.example" } });
    await other.body.dump();
    expect(other.statusCode).toBe(200); // answered: the browser is what hides it
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("without AllowCorsFrom a preflight is the router's 404, without CORS headers", async () => {
    const res = await preflight(plain, PAGE);
    await res.body.dump();
    expect(res.statusCode).toBe(404);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses a WebSocket upgrade from an Origin it does not allow (403), accepts its own and none", async () => {
    expect(await upgrade(plain, "http://evil.example")).toBe(403);
    expect(await upgrade(plain, "null")).toBe(403);
    expect(await upgrade(plain, plain.url)).toBe(101);
    expect(await upgrade(plain, undefined)).toBe(101);
    expect(await upgrade(cors, PAGE)).toBe(101);
    expect(await upgrade(cors, cors.url)).toBe(101); // the site URL is always allowed
    expect(await upgrade(cors, "http://evil.example")).toBe(403);
  });
});

describe("cookie sessions on the fake server (api4/user.go login, web/handlers.go checkCSRFToken)", () => {
  const login = (server: TestServer, xhr: boolean) =>
    request(`${server.url}/api/v4/users/login`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(xhr ? { "x-requested-with": "XMLHttpRequest" } : {}) },
      body: JSON.stringify({ login_id: server.user.username, password: server.user.password }),
    });

  it("sets MMAUTHTOKEN (HttpOnly), MMUSERID and MMCSRF only for a login with X-Requested-With", async () => {
    const without = await login(cors, false);
    await without.body.dump();
    expect(without.headers["set-cookie"]).toBeUndefined();
    const res = await login(cors, true);
    await res.body.dump();
    const cookies = res.headers["set-cookie"] as string[];
    expect(cookies).toHaveLength(3);
    expect(cookies[0]).toMatch(/^MMAUTHTOKEN=[a-z0-9]{26}; Path=\/; Max-Age=\d+; .*HttpOnly$/);
    expect(cookies[1]).toMatch(new RegExp(`^MMUSERID=${cors.user.id};`));
    expect(cookies[2]).toMatch(/^MMCSRF=[a-z0-9]{26};/);
    expect(cookies[2]).not.toContain("HttpOnly");
  });

  it("authenticates by the cookie; a POST needs X-CSRF-Token (strict), else the server's 401", async () => {
    const res = await login(cors, true);
    await res.body.dump();
    const cookies = res.headers["set-cookie"] as string[];
    const value = (name: string) =>
      cookies
        .find((c) => c.startsWith(`${name}=`))
        ?.split(";")[0]
        .split("=")[1] ?? "";
    const cookie = `MMAUTHTOKEN=${value("MMAUTHTOKEN")}; MMCSRF=${value("MMCSRF")}`;
    const me = await request(`${cors.url}/api/v4/users/me`, { headers: { cookie } });
    expect(((await me.body.json()) as { id: string }).id).toBe(cors.user.id);
    const post = (headers: Record<string, string>) =>
      request(`${cors.url}/api/v4/posts`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ channel_id: cors.channels.general.id, message: "csrf" }),
      });
    const refused = await post({ "x-requested-with": "XMLHttpRequest" });
    expect(refused.statusCode).toBe(401);
    expect(((await refused.body.json()) as { id: string }).id).toBe("api.context.session_expired.app_error");
    const accepted = await post({ "x-csrf-token": value("MMCSRF") });
    await accepted.body.dump();
    expect(accepted.statusCode).toBe(201);
  });
});
