// Builds dist/: type declarations with tsc (they keep the JSDoc), JavaScript with esbuild as one ESM bundle per
// entry point. One bundle loads in a third of the time of ~60 separate modules; the schema compiler (TypeBox) and
// the transports become lazy chunks, loaded on the first request.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
rmSync(dist, { recursive: true, force: true });

execFileSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
  {
    stdio: "inherit",
  },
);

await build({
  absWorkingDir: root,
  entryPoints: {
    index: "src/index.ts",
    testing: "src/testing/index.ts",
    schemas: "src/schemas.ts",
    "sync-worker": "src/sync/worker.ts",
    "testing-server-worker": "src/testing/server-worker.ts",
  },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // Runtime dependencies stay imports (several are CommonJS or Node-only); TypeBox is bundled into a lazy chunk
  // because importing its hundreds of small ESM modules costs ~70 ms.
  external: [...Object.keys(pkg.dependencies).filter((name) => name !== "@sinclair/typebox"), "node:*"],
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  logLevel: "warning",
});

// The browser entry (package.json `exports` condition "browser"): the portable part of matterapi with
// src/core/node-only.ts swapped for its browser twin, and everything bundled, so that a browser bundler meets no
// undici, ws or `node:` import, not even behind a lazy import.
await build({
  absWorkingDir: root,
  entryPoints: { browser: "src/portable.ts" },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  chunkNames: "browser-chunks/[name]-[hash]",
  plugins: [
    {
      name: "node-only-for-browsers",
      setup(b) {
        b.onResolve({ filter: /\/node-only\.js$/ }, (args) => ({
          path: join(args.resolveDir, args.path.replace(/\.js$/, ".browser.ts")),
        }));
      },
    },
  ],
  sourcemap: true,
  logLevel: "warning",
});
