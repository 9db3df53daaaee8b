/**
 * A web stream uploaded from a browser to an HTTPS server that speaks HTTP/1.1 (as many proxies do): Chromium passes
 * the request-streams probe but sends a stream body over HTTP/2 only, so the client reads it into a Blob instead of
 * failing with ERR_ALPN_NEGOTIATION_FAILED; Firefox cannot send one at all. Both get the file whole.
 */
import type { Page } from "puppeteer-core";
import selfsigned from "selfsigned";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestServer, type TestServer } from "../../src/testing/index.js";
import { type Assets, buildAssets } from "./helpers/assets.js";
import { describeEachBrowser, launchBrowser, type RunningBrowser } from "./helpers/browsers.js";
import { step } from "./helpers/steps.js";

let assets: Assets;
let tls: { key: string; cert: string };

beforeAll(async () => {
  assets = await buildAssets();
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  tls = { key: pems.private, cert: pems.cert };
});

describeEachBrowser("HTTPS over HTTP/1.1", (name, binary) => {
  let server: TestServer;
  let browser: RunningBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await createTestServer({ tls, pages: (path) => assets(path) });
    browser = await launchBrowser(name, binary, { acceptInsecureCerts: true });
    page = await browser.newPage();
    await page.goto(`${server.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("uploads a Blob, a File and a web stream, and downloads them", async () => {
    const out = await step(page, "rest", {
      url: server.url,
      auth: { token: server.user.token },
      channelId: server.channels.general.id,
    });
    expect(out.downloads).toEqual({
      "blob.txt": "a Blob",
      "file.txt": "a File",
      "stream.txt": "streamed from the page",
    });
  }, 60_000);
});
