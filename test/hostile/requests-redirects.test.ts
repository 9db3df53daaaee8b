/**
 * Issue 10, requests: one redirect policy on both transports. A 3xx is never success; same-origin redirects are
 * followed for GET and HEAD only (at most MAX_REDIRECTS); nothing (credentials, body, login) goes to another origin,
 * so no Token header is ever read from there; the RedirectError names the Location and what to change in `url`.
 * "Another origin" is a second loopback server on another port.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import { MAX_REDIRECTS, REDIRECT_ANSWERS } from "../../src/core/redirects.js";
import { ApiError, AsyncClient, ConnectionError, RedirectError } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { OVERLAY_PATH, SPEC_PATH, specAvailable } from "../helpers/spec.js";
import {
  startRecordingServer,
  startRedirector,
  startSameOriginHops,
  type TestServer,
} from "./helpers/request-servers.js";

const PASSWORD = "hunter2-secret";
let elsewhere: TestServer; // another origin: must receive nothing
const servers: TestServer[] = [];

beforeAll(async () => {
  elsewhere = await startRecordingServer();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => elsewhere.close());

async function serve(start: Promise<TestServer>): Promise<TestServer> {
  const s = await start;
  servers.push(s);
  return s;
}

/** Nothing at all reached the other origin: no request, not even a connection. */
function expectUntouched(): void {
  expect(elsewhere.requests).toEqual([]);
  expect(elsewhere.connections).toBe(0);
}

describe.each(["undici", "fetch"] as const)("redirects (%s transport)", (transport) => {
  const options = { transport, timeout: 2000, maxRetries: 0 } as const;

  it("an http->https 301 fails getUser and deletePost, naming the Location and the fix", async () => {
    const site = await serve(startRedirector(301, (path) => `https://127.0.0.1:1${path}`));
    // The Location's port differs from ours: compare it with what the client suggests.
    const client = new AsyncClient({ url: site.url, auth: { token: "tok-301" }, ...options });
    const https = site.url.replace("http://", "https://").replace(/:\d+$/, ":1");

    const get = await caught(client.users.getUser("u1"));
    expect(get).toBeInstanceOf(RedirectError);
    expect(get).toBeInstanceOf(ApiError);
    expect(get).not.toBeInstanceOf(ConnectionError);
    expect(get.status).toBe(301);
    expect(get.location).toBe(`${https}/api/v4/users/u1`);
    expect(get.message).toContain(`the server redirected GET ${site.url}/api/v4/users/u1 to ${https}/api/v4/users/u1`);
    expect(get.message).toContain(`set \`url\` to "${https}"`);
    expect(get.message).not.toContain("<html>");

    const del = await caught(client.posts.deletePost("p1"));
    expect(del).toBeInstanceOf(RedirectError);
    expect(del.message).toContain(`DELETE ${site.url}/api/v4/posts/p1`);
    // Each call reached the site once: nothing was followed, nothing retried.
    expect(site.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /api/v4/users/u1",
      "DELETE /api/v4/posts/p1",
    ]);
    await client.close();
  });

  it("says to use https:// when only the scheme changes", async () => {
    let own = "";
    const site = await serve(startRedirector(308, (path) => `${own.replace("http:", "https:")}${path}`));
    own = site.url;
    const client = new AsyncClient({ url: site.url, auth: { token: "t" }, ...options });
    const error = await caught(client.users.getUser("u1"));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.message).toContain(`use https:// in \`url\` ("${site.url.replace("http:", "https:")}")`);
    await client.close();
  });

  for (const status of [307, 308]) {
    it(`a ${status} of the login to another origin sends it nothing and adopts no token`, async () => {
      const site = await serve(startRedirector(status, (path) => `${elsewhere.url}${path}`));
      const client = new AsyncClient({ url: site.url, auth: { loginId: "jane", password: PASSWORD }, ...options });
      const error = await caught(client.users.getUser("me"));
      expect(error).toBeInstanceOf(RedirectError);
      expect(error.message).toContain(`to ${elsewhere.url}/api/v4/users/login (${status})`);
      expect(error.message).toContain("nothing is sent to another origin");
      expect(error.message).toContain(`set \`url\` to "${elsewhere.url}"`);
      expect(JSON.stringify({ message: error.message, ...error })).not.toContain(PASSWORD);
      expectUntouched();
      expect(client.token).toBeUndefined();
      // The login went once, to the site only.
      expect(site.requests.map((r) => r.url)).toEqual(["/api/v4/users/login"]);
      await client.close();
      expectUntouched();
    });
  }

  it("a GET redirected to another origin sends it no Authorization: nothing at all", async () => {
    const site = await serve(startRedirector(302, (path) => `${elsewhere.url}/prefix${path}`));
    const client = new AsyncClient({ url: site.url, auth: { token: "tok-cross" }, ...options });
    const error = await caught(client.users.getUser("u1"));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.message).toContain(`set \`url\` to "${elsewhere.url}/prefix"`);
    expectUntouched();
    await client.close();
  });

  it("follows same-origin redirects of a GET, with its credentials, up to the bound", async () => {
    const site = await serve(startSameOriginHops());
    const client = new AsyncClient({
      url: `${site.url}/hop/${MAX_REDIRECTS}`,
      auth: { token: "tok-same" },
      ...options,
    });
    const me = await client.users.getUser("me");
    expect(me.username).toBe("jane");
    expect(site.requests.map((r) => r.url)).toEqual([
      "/hop/3/api/v4/users/me",
      "/hop/2/api/v4/users/me",
      "/hop/1/api/v4/users/me",
      "/hop/0/api/v4/users/me",
    ]);
    for (const r of site.requests) expect(r.headers.authorization).toBe("Bearer tok-same");
    await client.close();
  });

  it("stops a same-origin loop after the bound with a RedirectError", async () => {
    const site = await serve(startSameOriginHops());
    const client = new AsyncClient({ url: `${site.url}/loop`, auth: { token: "t" }, ...options });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.message).toContain(`after ${MAX_REDIRECTS} redirects already (a loop?)`);
    expect(site.requests).toHaveLength(MAX_REDIRECTS + 1);
    await client.close();
  });

  it("never sends a POST again on a same-origin redirect (its body is not re-sent)", async () => {
    const site = await serve(startSameOriginHops());
    const client = new AsyncClient({ url: `${site.url}/hop/1`, auth: { token: "t" }, ...options });
    const error = await caught(client.posts.createPost({ channel_id: "c1", message: "hello" }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.status).toBe(307);
    expect(error.message).toContain("a POST is not sent again on a redirect (only GET and HEAD are followed)");
    expect(error.message).toContain(`set \`url\` to "${site.url}/hop/0"`);
    expect(site.requests).toHaveLength(1);
    await client.close();
  });

  it("a 3xx without a Location (300, 304) is not success either", async () => {
    for (const status of [300, 304]) {
      const site = await serve(startRedirector(status, () => undefined));
      const client = new AsyncClient({ url: site.url, auth: { token: "t" }, ...options });
      const error = await caught(client.users.getUser("u1"));
      expect(error).toBeInstanceOf(RedirectError);
      expect(error.location).toBeUndefined();
      expect(error.message).toContain(`the server answered ${status} without a Location`);
      await client.close();
    }
  });

  it("a download (.stream()) that is redirected elsewhere fails and sends nothing there", async () => {
    const site = await serve(startRedirector(302, (path) => `${elsewhere.url}${path}`));
    const client = new AsyncClient({ url: site.url, auth: { token: "t" }, ...options });
    const error = await caught(client.files.getFile("f1").stream());
    expect(error).toBeInstanceOf(RedirectError);
    expectUntouched();
    await client.close();
  });

  it("masks credential query parameters of the Location", async () => {
    const site = await serve(startRedirector(302, () => `${elsewhere.url}/x?access_token=leaked-token`));
    const client = new AsyncClient({ url: site.url, auth: { token: "t" }, ...options });
    const error = await caught(client.users.getUser("u1"));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.message).not.toContain("leaked-token");
    expect(error.location).not.toContain("leaked-token");
    await client.close();
  });
});

describe("fetch transport: what browsers and odd fetches do", () => {
  it("asks fetch not to follow redirects", async () => {
    const modes: (RequestRedirect | undefined)[] = [];
    const site = await serve(startRecordingServer());
    const client = new AsyncClient({
      url: site.url,
      auth: { token: "t" },
      transport: "fetch",
      fetch: (input, init) => {
        modes.push(init.redirect);
        return fetch(input, init);
      },
    });
    await client.users.getUser("u1");
    expect(modes).toEqual(["manual"]);
    await client.close();
  });

  it("an opaque redirect (status 0, what a browser gives) fails with a clear RedirectError", async () => {
    const opaque = {
      status: 0,
      type: "opaqueredirect",
      redirected: false,
      headers: new Headers(),
      body: null,
    } as unknown as Response;
    const client = new AsyncClient({
      url: "https://chat.example.com",
      auth: { token: "t" },
      transport: "fetch",
      fetch: async () => opaque,
    });
    const error = await caught(client.users.getUser("u1"));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.status).toBe(0);
    expect(error.message).toContain("a redirect is never taken as success: check the scheme, host and path prefix");
    await client.close();
  });

  it("a fetch that follows redirects anyway: its answer (and Token header) is never adopted", async () => {
    // The target answers the login with a Token header of its own.
    const target = await serve(startRecordingServer());
    const site = await serve(startRedirector(307, (path) => `${target.url}${path}`));
    const client = new AsyncClient({
      url: site.url,
      auth: { loginId: "jane", password: PASSWORD },
      transport: "fetch",
      maxRetries: 0,
      // A fetch passed in that ignores redirect: "manual". What it sends is its own doing; what comes back from a
      // redirect is refused all the same.
      fetch: (input, init) => fetch(input, { ...init, redirect: "follow" }),
    });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(RedirectError);
    expect(client.token).toBeUndefined();
    expect(target.requests.map((r) => r.url)).toEqual(["/api/v4/users/login"]);
    expect(site.requests).toHaveLength(1);
    await client.close();
  });
});

describe("operations whose documented answer is a redirect", () => {
  it.skipIf(!specAvailable())("are exactly those of the spec with a 3xx and no 2xx answer", () => {
    const { model, document } = generate(SPEC_PATH, OVERLAY_PATH);
    const paths = (document as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> })
      .paths;
    const documented = new Set<string>();
    for (const op of model.operations) {
      const codes = Object.keys(paths[op.path]?.[op.method.toLowerCase()]?.responses ?? {});
      if (codes.some((c) => /^3/.test(c)) && !codes.some((c) => /^2/.test(c))) documented.add(op.id);
    }
    expect([...documented].sort()).toEqual([...REDIRECT_ANSWERS].sort());
  });

  it.each(["undici", "fetch"] as const)("hand the 302 back, unfollowed, with its Location (%s)", async (transport) => {
    const site = await serve(startRedirector(302, () => `${elsewhere.url}/login/desktop`));
    const client = new AsyncClient({ url: site.url, transport, maxRetries: 0 });
    const { response } = await client.users.loginByCwsToken({ login_id: "jane", cws_token: "cws" }).withResponse();
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${elsewhere.url}/login/desktop`);
    expectUntouched();
    await client.close();
  });
});
