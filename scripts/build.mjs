// Builds dist/: type declarations with tsc (they keep the JSDoc) bundled per entry, JavaScript with esbuild as one ESM bundle per
// entry point, in one build for Node and browsers (see nodeOnlyImport). One bundle loads in a third of the time of
// ~60 separate modules; the transports become lazy chunks, loaded on the first request.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleDeclarations, packageDeclarationEntries } from "./bundle-declarations.mjs";
import { restoreReadme } from "./pack-readme.mjs";
import { writeRequireEntries } from "./package-entries.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
/**
 * Every import of src/core/node-only.ts becomes "#node-only", which package.json "imports" maps to
 * dist/node-only.js, or under the "browser" condition to dist/node-only.browser.js (no undici, ws or `node:`
 * import). So one build serves Node and browsers: a browser bundler resolves "#node-only" to the browser twin and
 * never meets a Node-only module, not even behind a lazy import.
 */
const nodeOnlyImport = {
  name: "node-only-import",
  setup(b) {
    b.onResolve({ filter: /\/node-only\.js$/ }, () => ({ path: "#node-only", external: true }));
  },
};

// `prepare` (npm install from git, and npm install in this repository) builds; for npm pack and npm publish,
// which run prepare after prepack, prepack has built already.
if (process.argv.includes("--prepare") && ["pack", "publish"].includes(process.env.npm_command ?? "")) process.exit(0);
// A pack that failed leaves the contributors' README aside (scripts/pack-readme.mjs): put it back.
if (restoreReadme(root)) console.warn("build: put back README.md, left aside by a pack that did not finish");
rmSync(dist, { recursive: true, force: true });

// Declarations: tsc writes one per source file into a folder of its own; they are bundled into dist/ below.
const types = mkdtempSync(join(tmpdir(), "matterapi-types-"));
execFileSync(
  process.execPath,
  // No declaration maps: they point at src/*.ts, which the package does not ship.
  [
    join(root, "node_modules/typescript/bin/tsc"),
    ...["-p", join(root, "tsconfig.build.json"), "--declarationMap", "false", "--outDir", types],
  ],
  { stdio: "inherit" },
);

await build({
  absWorkingDir: root,
  entryPoints: {
    index: "src/index.ts",
    // The browser condition of "." (package.json "exports"): the part of matterapi that runs anywhere.
    portable: "src/portable.ts",
    testing: "src/testing/index.ts",
    integrations: "src/integrations/index.ts",
    schemas: "src/schemas.ts",
    core: "src/modular/core.ts",
    operations: "src/modular/operations.ts",
    "operations-unvalidated": "src/modular/operations-unvalidated.ts",
    "node-only": "src/core/node-only.ts",
    "node-only.browser": "src/core/node-only.browser.ts",
    "sync-worker": "src/sync/worker.ts",
    "testing-server-worker": "src/testing/server-worker.ts",
  },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // Runtime dependencies stay imports (several are CommonJS or Node-only).
  external: [...Object.keys(pkg.dependencies), "node:*"],
  chunkNames: "chunks/[name]-[hash]",
  plugins: [nodeOnlyImport],
  // No source maps, and whitespace and syntax minified but no name changed: a stack trace still names every
  // function and class as the source does, and the package stays small (installed with undici and ws: 5 MB at
  // most). Maps with the sources doubled the package; maps without them made bundlers (Vite) warn about missing
  // sources, and were still a third of it. Minifying strips PURE annotations, so nothing here may rely on them
  // (generated/functions are side-effect free as written).
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
});

// The unvalidated functions have the validated ones' declarations, byte for byte: declare them once (the bundle
// below would otherwise carry both, 360 KB more).
const unvalidated = join(types, "generated/functions-unvalidated");
for (const file of readdirSync(unvalidated).filter((name) => name.endsWith(".d.ts"))) {
  const twin = join(types, "generated/functions", file);
  if (readFileSync(join(unvalidated, file), "utf8") !== readFileSync(twin, "utf8")) {
    throw new Error(`build: ${file} declares other types than its validated twin; keep both`);
  }
  writeFileSync(join(unvalidated, file), `export * from "../functions/${file.replace(/\.d\.ts$/, ".js")}";\n`);
}
// One .d.ts per entry of package.json `exports` and a few shared ones in dist/types/, instead of ~350 small files
// (each a whole disk block once installed): scripts/bundle-declarations.mjs.
try {
  await bundleDeclarations({ from: types, to: dist, entries: packageDeclarationEntries(pkg) });
} finally {
  rmSync(types, { recursive: true, force: true });
}

// CommonJS entries (`require("matterapi")`) and the checks that every subpath of package.json `exports` follows
// the package's pattern: scripts/package-entries.mjs.
writeRequireEntries(root, pkg);
