/**
 * Real browsers for the browser tests: Debian's Chromium and Firefox ESR, driven by puppeteer-core (Chromium over
 * the DevTools protocol, Firefox over WebDriver BiDi). Without a browser binary the tests say how to install one
 * and are skipped; with CI set they fail instead, so that CI never passes without having run them.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { describe, it } from "vitest";

export type BrowserName = "chromium" | "firefox";

/** Where Debian's packages put them; MATTERAPI_CHROMIUM / MATTERAPI_FIREFOX point elsewhere. */
const BINARIES: Record<BrowserName, { env: string; paths: string[] }> = {
  chromium: { env: "MATTERAPI_CHROMIUM", paths: ["/usr/bin/chromium", "/usr/bin/chromium-browser"] },
  firefox: { env: "MATTERAPI_FIREFOX", paths: ["/usr/bin/firefox-esr", "/usr/bin/firefox"] },
};

export const INSTALL_HINT = "install them with `sudo apt-get install chromium firefox-esr` (Debian/Ubuntu)";

export function browserBinary(name: BrowserName): string | undefined {
  const fromEnv = process.env[BINARIES[name].env];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return BINARIES[name].paths.find((path) => existsSync(path));
}

/** A running browser with a fresh profile, removed when closed. */
export interface RunningBrowser {
  browser: Browser;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** `acceptInsecureCerts`: trust any certificate (a test server's self-signed one). */
export async function launchBrowser(
  name: BrowserName,
  executablePath: string,
  options: { acceptInsecureCerts?: boolean } = {},
): Promise<RunningBrowser> {
  const acceptInsecureCerts = options.acceptInsecureCerts ?? false;
  const profile = mkdtempSync(join(tmpdir(), `matterapi-${name}-`));
  const browser =
    name === "chromium"
      ? await puppeteer.launch({
          executablePath,
          headless: true,
          userDataDir: profile,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
          protocolTimeout: 60_000,
          acceptInsecureCerts,
        })
      : await puppeteer.launch({
          browser: "firefox",
          executablePath,
          headless: true,
          userDataDir: profile,
          protocolTimeout: 60_000,
          acceptInsecureCerts,
        });
  return {
    browser,
    newPage: async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(30_000);
      return page;
    },
    close: async () => {
      try {
        await browser.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/**
 * describe() once per browser found. A browser that is missing is skipped with the install hint printed, or, with
 * CI set, is a failing test that says what is missing.
 */
export function describeEachBrowser(title: string, body: (name: BrowserName, executablePath: string) => void): void {
  for (const name of ["chromium", "firefox"] as const) {
    const binary = browserBinary(name);
    if (binary) {
      describe(`${title} (${name})`, () => body(name, binary));
      continue;
    }
    const looked = process.env[BINARIES[name].env] ? [process.env[BINARIES[name].env]] : BINARIES[name].paths;
    const missing = `${name} not found (looked at ${looked.join(", ")}): ${INSTALL_HINT}`;
    if (process.env.CI) {
      describe(`${title} (${name})`, () => {
        it("needs the browser binary", () => {
          throw new Error(`${missing}; CI must run the browser tests`);
        });
      });
    } else {
      console.warn(`skipping the ${name} browser tests: ${missing}`);
      describe.skip(`${title} (${name})`, () => body(name, ""));
    }
  }
}
