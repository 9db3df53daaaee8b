/**
 * The client in real browsers on a page of another origin (http://127.0.0.1:<other port>, same site): through the
 * fake server's CORS mode (AllowCorsFrom with the page, CorsExposedHeaders, CorsAllowCredentials), a server without
 * CORS (a CorsError naming the settings, not retried), a server that does not expose Token (the login error says
 * so), a cookie session across origins, and a Web Worker.
 */
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AsyncClient } from "../../src/portable.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { type Assets, buildAssets, serveElsewhere } from "./helpers/assets.js";
import { describeEachBrowser, launchBrowser, type RunningBrowser } from "./helpers/browsers.js";
import { step, until } from "./helpers/steps.js";

let assets: Assets;
let elsewhere: Awaited<ReturnType<typeof serveElsewhere>>;

beforeAll(async () => {
  assets = await buildAssets();
  elsewhere = await serveElsewhere((path) => assets(path));
});

afterAll(async () => {
  await elsewhere?.close();
});

describeEachBrowser("cross origin", (name, binary) => {
  /** CORS as a browser app needs it. */
  let open: TestServer;
  /** No AllowCorsFrom: the default. */
  let closed: TestServer;
  /** AllowCorsFrom with the page, but the default empty CorsExposedHeaders. */
  let unexposed: TestServer;
  let browser: RunningBrowser;
  let page: Page;

  beforeAll(async () => {
    [open, closed, unexposed] = await Promise.all([
      createTestServer({
        cors: {
          allowFrom: elsewhere.origin,
          exposedHeaders: ["Token", "X-Request-Id", "X-Version-Id"],
          allowCredentials: true,
        },
        strictCsrf: true,
      }),
      createTestServer(),
      createTestServer({ cors: { allowFrom: elsewhere.origin } }),
    ]);
    browser = await launchBrowser(name, binary);
    page = await browser.newPage();
    await page.goto(`${elsewhere.origin}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([open?.close(), closed?.close(), unexposed?.close()]);
  });

  it("REST with a password login, uploads and downloads, the exposed headers readable", async () => {
    const out = await step(page, "rest", {
      url: open.url,
      auth: { loginId: open.user.username, password: open.user.password },
      channelId: open.channels.general.id,
    });
    expect(out.username).toBe(open.user.username);
    expect(out.requestId).toMatch(/^[a-z0-9]{26}$/);
    expect(out.versionId).toBe("10.11.0");
    expect(out.downloads).toEqual({
      "blob.txt": "a Blob",
      "file.txt": "a File",
      "stream.txt": "streamed from the page",
    });
  }, 60_000);

  it("the event stream from an allowed origin", async () => {
    const started = await step(page, "streamStart", { url: open.url, auth: { token: open.user.token } });
    expect(started.state).toBe("open");
    await step(page, "streamPost", { channelId: open.channels.general.id, message: "across origins" });
    expect((await step(page, "streamWaitFor", { message: "across origins", ms: 10_000 })).received).toBe(true);
    await step(page, "streamStop", undefined);
  }, 60_000);

  it("a server without CORS: a CorsError that names the settings, and no retry", async () => {
    const before = closed.stats.requests;
    const out = await step(page, "blocked", { url: closed.url, auth: { token: closed.user.token } });
    expect(out).toMatchObject({ name: "CorsError" });
    const message = (out as { message: string }).message;
    expect(message).toContain(`AllowCorsFrom must list "${elsewhere.origin}"`);
    expect(message).toContain("CorsExposedHeaders");
    // At most the one preflight (answered 404 without CORS headers); a retried GET would add two more.
    expect(closed.stats.requests - before).toBeLessThanOrEqual(1);
  }, 60_000);

  it("a login whose Token header the page cannot read says that CorsExposedHeaders lacks Token", async () => {
    const out = await step(page, "blocked", {
      url: unexposed.url,
      auth: { loginId: unexposed.user.username, password: unexposed.user.password },
    });
    expect((out as { message: string }).message).toMatch(/without a Token header .*CorsExposedHeaders lacks Token/);
    expect((out as { message: string }).message).not.toContain(unexposed.user.password);
  }, 60_000);

  it("a cookie session from another origin of the same site: login, GET, POST with X-CSRF-Token", async () => {
    const out = await step(page, "cookieSession", {
      url: open.url,
      auth: { loginId: open.user.username, password: open.user.password, cookie: true },
      channelId: open.channels.general.id,
    });
    expect(out).toMatchObject({
      username: open.user.username,
      borrowed: open.user.username,
      token: null,
      csrfCookie: true,
      authCookieVisible: false,
    });
  }, 60_000);

  it("a cookie session's event stream from another origin resumes after a drop, with its connection id", async () => {
    const started = await step(page, "streamStart", {
      url: open.url,
      auth: { loginId: open.user.username, password: open.user.password, cookie: true },
      options: { initialReconnectDelay: 1_000, maxReconnectDelay: 2_000 },
    });
    expect(started.state).toBe("open");
    const admin = new AsyncClient({ url: open.url, auth: { token: open.admin.token } });
    try {
      open.faults.closeWebSockets(1006);
      expect(await until(() => open.webSockets().open === 0, 5_000)).toBe(true);
      // Made while the page is away: only a resumed connection (the cookie at the upgrade) brings it.
      await admin.posts.createPost({ channel_id: open.channels.general.id, message: "resumed across origins" });
      const out = await step(page, "streamWaitFor", { message: "resumed across origins", ms: 15_000 });
      expect(out).toMatchObject({ received: true, state: "open", hellos: 1, missed: 0 });
      expect(out.connectionId).toBe(started.connectionId);
    } finally {
      await step(page, "streamStop", undefined).catch(() => {});
      await admin.close();
    }
  }, 60_000);

  it("a Web Worker of the page: REST through CORS, no User-Agent of the client's", async () => {
    const out = (await step(page, "inWorker", { url: open.url, auth: { token: open.user.token } })) as {
      username?: string;
      error?: string;
      headers: string[];
    };
    expect(out.error).toBeUndefined();
    expect(out.username).toBe(open.user.username);
    expect(out.headers).not.toContain("user-agent");
  }, 60_000);
});
