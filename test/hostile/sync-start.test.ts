/**
 * A SyncClient whose worker cannot start says why, at once: a missing worker file (a bundled app that did not copy
 * it) at construction, a worker that fails to load (a syntax error, a throw at load) at the first call, with the
 * failure's own text.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SyncClient, SyncWorkerError } from "../../src/index.js";
import { workerFile } from "../../src/sync/channel.js";

const dir = mkdtempSync(join(tmpdir(), "matterapi-sync-start-"));

afterEach(() => {
  workerFile.url = undefined;
});

function workerAt(name: string, source?: string): URL {
  const path = join(dir, name);
  if (source !== undefined) writeFileSync(path, source);
  return pathToFileURL(path);
}

describe("a worker that cannot start", () => {
  it("is missing: the constructor says so, naming the file", () => {
    workerFile.url = workerAt("missing-sync-worker.js");
    let error: unknown;
    try {
      new SyncClient({ url: "http://127.0.0.1:9" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyncWorkerError);
    expect((error as Error).message).toContain("missing-sync-worker.js");
    expect((error as Error).message).toMatch(/bundler/);
  });

  it.each([
    ["a syntax error", "syntax.mjs", "export const = 1;\n", /could not start: SyntaxError/],
    ["a throw at load", "throws.mjs", 'throw new Error("boom while loading");\n', /could not start: Error: boom while/],
    ["a missing dependency", "deps.mjs", 'import "no-such-package-here";\n', /could not start: .*no-such-package-here/],
  ])("has %s: the first call fails at once with the reason", (_what, name, source, message) => {
    workerFile.url = workerAt(name, source);
    const sd = new SyncClient({ url: "http://127.0.0.1:9", auth: { token: "t" } });
    const started = Date.now();
    let error: unknown;
    try {
      sd.users.getUser("me");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyncWorkerError);
    expect((error as Error).message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(10_000); // not the 60 s start bound
    // Later calls fail at once with the same reason.
    const again = Date.now();
    expect(() => sd.users.getUser("me")).toThrow(SyncWorkerError);
    expect(Date.now() - again).toBeLessThan(100);
    expect(() => sd.close()).not.toThrow();
  });
});
