/**
 * Tree-shaking of the modular entry, so that a regression fails here and not in someone's bundle: apps are bundled
 * for browsers with esbuild (as bench/bundle-size.mjs does), "matterapi/..." resolved to source and to the package
 * as published (dist/, through package.json `exports`: a minified build once lost what made its operations
 * droppable), and the bundles are searched for what must not be in them: other operations' paths, other schemas,
 * the group tables.
 */
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";
import { linkedProject } from "../../scripts/pack-copy.mjs";
import { ROOT } from "../helpers/spec.js";

const ENTRIES: Record<string, string> = {
  matterapi: "src/portable.ts",
  "matterapi/core": "src/modular/core.ts",
  "matterapi/operations": "src/modular/operations.ts",
  "matterapi/operations/unvalidated": "src/modular/operations-unvalidated.ts",
};

/** "matterapi/..." from source, node-only.ts swapped for its browser twin (scripts/build.mjs does the same). */
const fromSource: Plugin = {
  name: "matterapi-from-source",
  setup(b) {
    b.onResolve({ filter: /^matterapi(\/.*)?$/ }, (args) => ({ path: join(ROOT, ENTRIES[args.path]) }));
    b.onResolve({ filter: /\/node-only\.js$/ }, (args) => ({
      path: join(args.resolveDir, args.path.replace(/\.js$/, ".browser.ts")),
    }));
  },
};

/** A project whose node_modules/matterapi is this repository, as an app that installed it sees it (dist/). */
let distApp: string | undefined;
const installedApp = () => {
  distApp ??= linkedProject("matterapi-modular-");
  return distApp;
};

type From = "source" | "dist";

async function bundle(code: string, from: From = "source"): Promise<{ text: string; inputs: string[] }> {
  const result = await build({
    stdin: { contents: code, resolveDir: from === "dist" ? installedApp() : ROOT, sourcefile: "app.js", loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: from === "dist" ? [] : [fromSource],
  });
  // The files that put code in the bundle (the metafile's inputs also list files read and then dropped whole).
  const kept = Object.values(result.metafile.outputs)[0].inputs;
  const inputs = Object.keys(kept).filter((file) => kept[file].bytesInOutput > 0);
  return { text: result.outputFiles[0].text, inputs };
}

const oneCall = (module: string) => `
  import { createClient } from "matterapi/core";
  import { getUser } from "${module}";
  const client = createClient({ url: "https://chat.example.com", auth: { token: "t" } });
  export const run = () => getUser(client, "me");
`;

describe.each<From>(["source", "dist"])("a bundle of one call through matterapi/operations (%s)", (from) => {
  it("holds that operation and its schema, and no other operation, schema or group table", async () => {
    const { text, inputs } = await bundle(oneCall("matterapi/operations"), from);
    expect(text).toContain('"/api/v4/users/{user_id}"');
    expect(text).toContain('title:"User"');
    expect(text).toContain('title:"UserNotifyProps"'); // a schema User refers to
    for (const path of ["/api/v4/teams", "/api/v4/channels", "/api/v4/posts", "/api/v4/users/{user_id}/image"]) {
      expect(text).not.toContain(path);
    }
    for (const schema of ["Team", "Channel", "Post", "Session", "StatusOK"])
      expect(text).not.toContain(`title:"${schema}"`);
    expect(inputs.filter((file) => file.includes("src/generated/groups/"))).toEqual([]);
    expect(inputs.filter((file) => file.includes("src/ws/"))).toEqual([]);
  });

  it("holds no schema at all from matterapi/operations/unvalidated", async () => {
    const { text, inputs } = await bundle(oneCall("matterapi/operations/unvalidated"), from);
    expect(text).toContain('"/api/v4/users/{user_id}"');
    expect(text).not.toContain("/api/v4/teams");
    expect(text).not.toContain('title:"');
    expect(inputs.filter((file) => /src\/generated\/(schemas|response-schemas)\.ts$/.test(file))).toEqual([]);
  });

  it("is a fraction of the AsyncClient's bundle", async () => {
    const modular = await bundle(oneCall("matterapi/operations"), from);
    const full = await bundle(
      `
      import { AsyncClient } from "matterapi";
      const client = new AsyncClient({ url: "https://chat.example.com", auth: { token: "t" } });
      export const run = () => client.users.getUser("me");
    `,
      from,
    );
    expect(full.text).toContain("/api/v4/teams");
    // Today about a fifth; a half means something stopped being dropped.
    expect(modular.text.length).toBeLessThan(full.text.length / 2);
  });
});
