/**
 * What the browsers load: page-app.ts and worker-app.ts bundled for browsers with matterapi as published (dist/,
 * resolved through package.json `exports` and `imports` under the browser condition, as a web app's bundler does:
 * build first, as `npm test` does), and the pages that load them. The same files are served by the fake server
 * itself (same origin, `pages`) and by a static server of another origin (cross origin).
 */
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { linkedProject } from "../../../scripts/pack-copy.mjs";
import type { TestPage } from "../../../src/testing/server.js";
import { ROOT } from "../../helpers/spec.js";

export type Assets = (path: string) => TestPage | undefined;

/** The apps import src/portable.ts (for their types); the bundle gets "matterapi" as an app that installed it. */
function published(): Plugin {
  const app = linkedProject("matterapi-browser-app-");
  return {
    name: "matterapi-as-published",
    setup(b) {
      b.onResolve({ filter: /\/src\/portable\.js$/ }, () =>
        b.resolve("matterapi", { kind: "import-statement", resolveDir: app }),
      );
    },
  };
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, "test/browser/helpers", entry)],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [published()],
  });
  // What the browsers run must be the package, not the sources.
  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((file) => file.includes("src/core/")) || !inputs.some((file) => file.includes("dist/portable.js"))) {
    throw new Error(`${entry}: bundled matterapi from the sources, not from dist/`);
  }
  return result.outputFiles[0].text;
}

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><script src="/app.js"></script></head><body></body></html>';

/** The bundles and pages by path: "/" (no CSP), "/strict-csp.html" (script-src 'self', no eval), the scripts. */
export async function buildAssets(): Promise<Assets> {
  const [app, worker] = await Promise.all([bundle("page-app.ts"), bundle("worker-app.ts")]);
  const script = "text/javascript; charset=utf-8";
  const html = "text/html; charset=utf-8";
  const pages = new Map<string, TestPage>([
    ["/", { body: PAGE, contentType: html }],
    [
      "/strict-csp.html",
      // No 'unsafe-eval': new Function() and eval() throw, as on a page with a strict policy.
      { body: PAGE, contentType: html, headers: { "Content-Security-Policy": "script-src 'self'; worker-src 'self'" } },
    ],
    ["/app.js", { body: app, contentType: script }],
    ["/worker.js", { body: worker, contentType: script }],
  ]);
  return (path) => pages.get(path);
}

/** A static server of the pages on another origin: http://127.0.0.1:<another port>. */
export async function serveElsewhere(assets: Assets): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const page = req.method === "GET" ? assets(new URL(req.url ?? "/", "http://x").pathname) : undefined;
    if (!page) {
      res.writeHead(404, { "Content-Length": "0" });
      res.end();
      return;
    }
    const body = typeof page.body === "string" ? Buffer.from(page.body) : page.body;
    res.writeHead(200, { "Content-Type": page.contentType, "Content-Length": String(body.length), ...page.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
