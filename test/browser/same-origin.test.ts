/**
 * The client in real browsers (Chromium and Firefox ESR, headless), on a page the fake server serves itself: REST,
 * uploads of a Blob, a File and a web stream, downloads, the event stream and its reconnect, a cookie session that
 * resumes the stream, a page whose CSP forbids eval with validation on, and a Web Worker.
 */
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AsyncClient } from "../../src/portable.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { type Assets, buildAssets } from "./helpers/assets.js";
import { describeEachBrowser, launchBrowser, type RunningBrowser } from "./helpers/browsers.js";
import { step, until } from "./helpers/steps.js";

let assets: Assets;

beforeAll(async () => {
  assets = await buildAssets();
});

describeEachBrowser("same origin", (name, binary) => {
  let server: TestServer;
  let browser: RunningBrowser;
  let page: Page;

  beforeAll(async () => {
    // Strict CSRF: a cookie session's POST passes only with the X-CSRF-Token header (not X-Requested-With alone).
    server = await createTestServer({ pages: (path) => assets(path), strictCsrf: true });
    browser = await launchBrowser(name, binary);
    page = await browser.newPage();
    await page.goto(`${server.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("REST with a password login, uploads of a Blob, a File and a web stream, downloads", async () => {
    const out = await step(page, "rest", {
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password },
      channelId: server.channels.general.id,
    });
    expect(out.username).toBe(server.user.username);
    expect(out.requestId).toMatch(/^[a-z0-9]{26}$/);
    expect(out.versionId).toBe("10.11.0");
    expect(out.downloads).toEqual({
      "blob.txt": "a Blob",
      "file.txt": "a File",
      "stream.txt": "streamed from the page",
    });
    expect(out.streamed).toBe("a Blob");
    expect(out.postFiles).toBe(3);
  }, 60_000);

  it("the event stream delivers, reconnects after the server drops it, and delivers again", async () => {
    const auth = { token: server.user.token };
    const started = await step(page, "streamStart", { url: server.url, auth });
    expect(started.state).toBe("open");
    await step(page, "streamPost", { channelId: server.channels.general.id, message: "before the drop" });
    expect((await step(page, "streamWaitFor", { message: "before the drop", ms: 10_000 })).received).toBe(true);

    server.faults.closeWebSockets(1006);
    // Posted only once the page is connected again: a token stream cannot resume (challenge auth), so what is
    // posted in between is lost to it (the `missed` signal says so).
    expect(await step(page, "streamWaitHellos", { hellos: 2, ms: 15_000 })).toEqual({ state: "open", hellos: 2 });
    await step(page, "streamPost", { channelId: server.channels.general.id, message: "after the drop" });
    const after = await step(page, "streamWaitFor", { message: "after the drop", ms: 10_000 });
    expect(after.received).toBe(true);
    // A token stream authenticates by challenge, which always starts a new connection (a second hello).
    expect(after.hellos).toBe(2);
    await step(page, "streamStop", undefined);
  }, 60_000);

  it("a cookie session: MMAUTHTOKEN stays HttpOnly, a POST passes the strict CSRF check, no token in the client", async () => {
    const out = await step(page, "cookieSession", {
      url: server.url,
      auth: { loginId: server.user.username, password: server.user.password, cookie: true },
      channelId: server.channels.general.id,
    });
    expect(out).toMatchObject({
      username: server.user.username,
      borrowed: server.user.username,
      stillIn: server.user.username,
      token: null,
      csrfCookie: true,
      authCookieVisible: false,
    });
    expect((out as { postId?: string }).postId).toMatch(/^[a-z0-9]{26}$/);
  }, 60_000);

  it("a cookie session's event stream resumes after a drop: same connection, nothing missed", async () => {
    const admin = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
    try {
      const started = await step(page, "streamStart", {
        url: server.url,
        auth: { loginId: server.user.username, password: server.user.password, cookie: true },
        options: { initialReconnectDelay: 1_000, maxReconnectDelay: 2_000 },
      });
      expect(started.state).toBe("open");
      server.faults.closeWebSockets(1006);
      expect(await until(() => server.webSockets().open === 0, 5_000)).toBe(true);
      // Made while the page is away: it waits in the connection's queue and comes with the resume.
      await admin.posts.createPost({ channel_id: server.channels.general.id, message: "while away" });
      const resumed = await step(page, "streamWaitFor", { message: "while away", ms: 15_000 });
      expect(resumed).toMatchObject({ received: true, state: "open", hellos: 1, missed: 0 });
      expect(resumed.connectionId).toBe(started.connectionId);

      // A POST of the cookie session from the page (X-CSRF-Token from MMCSRF), seen on the resumed stream.
      await step(page, "streamPost", { channelId: server.channels.general.id, message: "cookie post" });
      expect((await step(page, "streamWaitFor", { message: "cookie post", ms: 10_000 })).received).toBe(true);
    } finally {
      await step(page, "streamStop", undefined).catch(() => {});
      await admin.close();
    }
  }, 60_000);

  it("validation on, in a page whose Content-Security-Policy forbids eval", async () => {
    const strict = await browser.newPage();
    try {
      const errors: string[] = [];
      strict.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await strict.goto(`${server.url}/strict-csp.html`);
      expect(await step(strict, "evalAllowed", undefined)).toBe("EvalError");
      expect(await step(page, "evalAllowed", undefined)).toBe("allowed");
      const out = await step(strict, "validated", {
        url: server.url,
        auth: { token: server.user.token },
        teamId: server.team.id,
      });
      expect(out, `console errors: ${errors.join(" | ")}`).toEqual({ username: server.user.username, channels: 4 });
      expect(server.invalidResponses).toEqual([]);
    } finally {
      await strict.close();
    }
  }, 60_000);

  it("a Web Worker: REST works and the client sets no User-Agent of its own", async () => {
    const out = (await step(page, "inWorker", { url: server.url, auth: { token: server.user.token } })) as {
      username?: string;
      ping?: string;
      error?: string;
      headers: string[];
    };
    expect(out.error).toBeUndefined();
    expect(out).toMatchObject({ username: server.user.username, ping: "OK" });
    expect(out.headers).toContain("authorization");
    expect(out.headers).not.toContain("user-agent");
  }, 60_000);
});
