// Bundle size: what an app pays for matterapi, against the official @mattermost/client for the same work. Each
// case is a small app bundled as a web app's bundler would (esbuild, platform browser, ESM, minified, everything
// bundled); the table gives the minified and gzipped sizes and their ratio to the official client's one call.
//
//   npm run bench:bundle               # matterapi as published (dist/, through package.json "exports"; build first)
//   npm run bench:bundle -- --source   # matterapi from source (src/), resolved as the package's browser entries
//   npm run bench:bundle -- --json   # the figures as JSON
//
// From source, "matterapi/..." resolves to the files the package's "browser" exports are built from, with
// src/core/node-only.ts swapped for its browser twin (as scripts/build.mjs does).
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { linkedProject } from "../scripts/pack-copy.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const fromDist = !args.has("--source");

/** The package's subpaths, as source files (the browser entries of scripts/build.mjs). */
export const SOURCE_ENTRIES = {
  matterapi: "src/portable.ts",
  "matterapi/core": "src/modular/core.ts",
  "matterapi/operations": "src/modular/operations.ts",
  "matterapi/operations/unvalidated": "src/modular/operations-unvalidated.ts",
};

/** Resolves "matterapi/..." to source and node-only.ts to its browser twin. */
export function sourcePlugin() {
  return {
    name: "matterapi-from-source",
    setup(b) {
      b.onResolve({ filter: /^matterapi(\/.*)?$/ }, (a) => {
        const file = SOURCE_ENTRIES[a.path];
        if (!file) return { errors: [{ text: `no source entry for ${a.path}` }] };
        return { path: join(root, file) };
      });
      b.onResolve({ filter: /\/node-only\.js$/ }, (a) => ({
        path: join(a.resolveDir, a.path.replace(/\.js$/, ".browser.ts")),
      }));
    },
  };
}

/** Every operation name of a group, from the generated operation index. */
function operationNames(group) {
  const index = readFileSync(join(root, "src/generated/operations.ts"), "utf8");
  const names = [...index.matchAll(/group: "([^"]+)", name: "([^"]+)"/g)].filter((m) => m[1] === group);
  return names.map((m) => m[2]);
}

const OPTIONS = 'const url = "https://chat.example.com"; const auth = { token: "t" };';
const usersOps = operationNames("users");

/** The cases: a label and the app's source. Each app exports what it uses, so nothing is dropped as unused. */
export const CASES = [
  {
    label: "@mattermost/client: one call (getUser)",
    official: true,
    code: `import { Client4 } from "@mattermost/client";
      const client = new Client4(); client.setUrl("https://chat.example.com"); client.setToken("t");
      export const run = () => client.getUser("me");`,
  },
  {
    label: "matterapi AsyncClient: one call (getUser)",
    code: `import { AsyncClient } from "matterapi"; ${OPTIONS}
      const client = new AsyncClient({ url, auth });
      export const run = () => client.users.getUser("me");`,
  },
  {
    label: "matterapi/operations: one call (getUser), validation on",
    code: `import { createClient } from "matterapi/core"; import { getUser } from "matterapi/operations"; ${OPTIONS}
      const client = createClient({ url, auth });
      export const run = () => getUser(client, "me");`,
  },
  {
    label: "matterapi/operations: one call (getUser), validation off",
    code: `import { createClient } from "matterapi/core"; import { getUser } from "matterapi/operations/unvalidated";
      ${OPTIONS}
      const client = createClient({ url, auth, validation: "off" });
      export const run = () => getUser(client, "me");`,
  },
  {
    label: `matterapi/operations: the users group (${usersOps.length} operations), validation on`,
    code: `import { createClient } from "matterapi/core"; import { ${usersOps.join(", ")} } from "matterapi/operations";
      ${OPTIONS}
      export const client = createClient({ url, auth });
      export const all = [${usersOps.join(", ")}];`,
  },
  {
    label: `matterapi/operations: the users group (${usersOps.length} operations), validation off`,
    code: `import { createClient } from "matterapi/core";
      import { ${usersOps.join(", ")} } from "matterapi/operations/unvalidated"; ${OPTIONS}
      export const client = createClient({ url, auth, validation: "off" });
      export const all = [${usersOps.join(", ")}];`,
  },
  {
    label: "matterapi AsyncClient: everything (all groups, event stream, request)",
    code: `import { AsyncClient } from "matterapi"; ${OPTIONS}
      export const client = new AsyncClient({ url, auth });
      export const run = async () => { await client.users.getUser("me"); client.websocket(); };`,
  },
  {
    label: "matterapi/operations: everything (every operation), validation on",
    code: `import { createClient } from "matterapi/core"; import * as operations from "matterapi/operations"; ${OPTIONS}
      export const client = createClient({ url, auth });
      export { operations };`,
  },
  {
    label: "@mattermost/client: everything (Client4)",
    official: true,
    code: `import { Client4 } from "@mattermost/client"; export const client = new Client4();`,
  },
];

/** Bundles one app; resolves to its minified bytes and the inputs esbuild kept (for the tests). */
export async function bundleApp(code, { dist = false, resolveDir = root } = {}) {
  const result = await build({
    stdin: { contents: code, resolveDir, sourcefile: "app.js", loader: "js" },
    absWorkingDir: root,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    nodePaths: [join(root, "node_modules")],
    plugins: dist ? [] : [sourcePlugin()],
  });
  const bytes = result.outputFiles[0].contents;
  return { bytes, text: result.outputFiles[0].text, metafile: result.metafile };
}

const kib = (n) => n / 1024;

async function main() {
  const app = fromDist ? linkedProject("matterapi-bundle-size-") : root;
  try {
    const rows = [];
    for (const c of CASES) {
      const { bytes } = await bundleApp(c.code, { dist: fromDist && !c.official, resolveDir: app });
      rows.push({ label: c.label, official: Boolean(c.official), min: bytes.length, gzip: gzipSync(bytes).length });
    }
    const base = rows.find((r) => r.official);
    if (args.has("--json")) {
      console.log(JSON.stringify(rows, null, 2));
      return;
    }
    console.log(`matterapi from ${fromDist ? "dist/ (package exports)" : "src/"}; esbuild, browser, ESM, minified\n`);
    console.log("| app | min KiB | gzip KiB | min vs official | gzip vs official |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of rows) {
      const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
      console.log(
        `| ${r.label} | ${kib(r.min).toFixed(1)} | ${kib(r.gzip).toFixed(1)} | ${ratio(r.min, base.min)} | ${ratio(r.gzip, base.gzip)} |`,
      );
    }
    console.log(`\n(official = ${base.label})`);
  } finally {
    if (app !== root) rmSync(app, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
