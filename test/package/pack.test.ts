/**
 * The package as users get it: `npm pack` (its real prepack and postpack, run in a copy of the repository so that
 * the checkout's dist/ and README.md are left alone), the tarball installed in an empty project with its
 * dependencies from the registry, then every subpath of `exports` imported and required in fresh node processes,
 * the user README's testing example run, a TypeScript user's code compiled against the bundled declarations
 * (strict, skipLibCheck off), and the tarball checked by `attw` (every resolution profile) and `publint`. Slow (a build and an install): a minute or more.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { installInto, type PackInfo, packCopy, repoRoot } from "../../scripts/pack-copy.mjs";

const run = promisify(execFile);
const SLOW = 900_000; // a build (up to 8 min on a loaded machine) and an install
// Each test starts node, attw or publint processes: on a loaded machine, many seconds each.
vi.setConfig({ testTimeout: 240_000 });

let work: string;
let tarball: string;
let copy: string;
let info: PackInfo;
let project: string;
let installed: string;
let subpaths: string[];

/** Runs node with `args` in the project; resolves with its exit code and output, never rejects. */
async function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: project, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** A dev tool's command-line entry (its package.json `bin`), run with this node. */
function bin(pkg: string, name: string): string {
  const manifest = join(repoRoot, "node_modules", pkg, "package.json"); // not every package exports ./package.json
  const bins = JSON.parse(readFileSync(manifest, "utf8")).bin as Record<string, string>;
  return join(dirname(manifest), bins[name]);
}

beforeAll(async () => {
  work = join(tmpdir(), `matterapi-package-test-${process.pid}-${Date.now()}`);
  ({ tarball, copy, info } = await packCopy(work));
  project = await installInto(join(work, "project"), [tarball]);
  installed = join(project, "node_modules", "matterapi");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== "./package.json");
}, SLOW);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the built package, the LICENSE and the users' README, and no sources or source maps", () => {
    const files = info.files.map((f) => f.path);
    expect(files).toContain("LICENSE");
    expect(files).toContain("README.md");
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/cjs/index.cjs");
    expect(files.filter((f) => /\.(ts|mts|cts)$/.test(f) && !/\.d\.(ts|mts|cts)$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => !f.startsWith("dist/"))).toEqual(["LICENSE", "README.md", "package.json"].sort());
    for (const file of files.filter((f) => f.endsWith(".js"))) {
      const text = readFileSync(join(installed, file), "utf8");
      expect(text, file).not.toContain("sourcesContent");
      expect(text, file).not.toContain("sourceMappingURL");
    }
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toContain("Copyright (c) 2026 the matterapi authors");
  });

  it("ships README.package.md as its README, and pack puts the contributors' README back", () => {
    const shipped = readFileSync(join(installed, "README.md"), "utf8");
    expect(shipped).toBe(readFileSync(join(repoRoot, "README.package.md"), "utf8"));
    expect(shipped).toContain("npm install matterapi");
    expect(readFileSync(join(copy, "README.md"), "utf8")).toBe(readFileSync(join(repoRoot, "README.md"), "utf8"));
    expect(existsSync(join(copy, "README.package.md"))).toBe(true);
    expect(existsSync(join(copy, ".tmp", "README.contributors.md"))).toBe(false);
  });

  it("names the repository, homepage and issue tracker", () => {
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(manifest.repository.url).toMatch(/github\.com\/matterapi\/matterapi/);
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/\/issues$/);
    expect(manifest.license).toBe("MIT");
  });
});

describe("in a project that installed it", () => {
  it("every subpath imports (ESM) and requires (CommonJS), and both give the same module", async () => {
    expect(subpaths).toEqual(expect.arrayContaining([".", "./testing", "./schemas"]));
    for (const subpath of subpaths) {
      const specifier = `matterapi${subpath.slice(1)}`;
      const s = JSON.stringify(specifier);
      const imported = await node([
        "--input-type=module",
        "-e",
        `const m = await import(${s}); console.log(JSON.stringify(Object.keys(m).sort()));`,
      ]);
      expect(imported.stderr, specifier).toBe("");
      const names = JSON.parse(imported.stdout) as string[];
      expect(names.length, specifier).toBeGreaterThan(0);
      const required = await node([
        "-e",
        `const r = require(${s});
        import(${s}).then((m) => {
          const same = Object.keys(m).every((k) => m[k] === r[k]);
          console.log(JSON.stringify({ keys: Object.keys(r).sort(), same }));
        });`,
      ]);
      expect(required.stderr, specifier).toBe("");
      expect(JSON.parse(required.stdout), specifier).toEqual({ keys: names, same: true });
    }
  });

  it("on a Node that cannot require ES modules, require() says what to do instead", async (context) => {
    const features = process.features as { require_module?: boolean };
    if (features.require_module === undefined) context.skip(); // this Node has no switch to turn it off
    for (const subpath of subpaths) {
      const specifier = `matterapi${subpath.slice(1)}`;
      const result = await node(["--no-experimental-require-module", "-e", `require(${JSON.stringify(specifier)})`]);
      expect(result.code, specifier).not.toBe(0);
      expect(result.stderr, specifier).toContain(`require("${specifier}") needs Node 20.19+ or 22.12+`);
      expect(result.stderr, specifier).toContain(`Use import("${specifier}")`);
    }
  });

  it("runs the README's testing example", async () => {
    const readme = readFileSync(join(installed, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Testing your code"));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(project, "readme-testing.mjs"), example as string);
    const result = await node(["readme-testing.mjs"]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toMatch(/^[a-z0-9]{26} 1$/);
  });

  it("runs the parts that load files of their own: the SyncClient's worker, a group's table, the event stream", async () => {
    writeFileSync(
      join(project, "parts.mjs"),
      `import { AsyncClient, SyncClient } from "matterapi";
      import { startTestServerInWorker } from "matterapi/testing";
      const server = await startTestServerInWorker();
      const auth = { token: server.admin.token };
      const sd = new SyncClient({ url: server.url, auth });
      const client = new AsyncClient({ url: server.url, auth });
      const ws = client.websocket();
      await ws.connect();
      const posted = ws.waitFor("posted");
      const post = await client.posts.createPost({ channel_id: server.channels.general.id, message: "hi" });
      const event = await posted;
      console.log(JSON.stringify({
        me: sd.users.getUser("me").username,
        teams: sd.teams.getAllTeams().length > 0,
        post: event.data.post.id === post.id,
      }));
      sd.close();
      await client.close();
      await server.close();`,
    );
    const result = await node(["parts.mjs"]);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({ me: "sysadmin", teams: true, post: true });
  });
});

describe("its declarations, for a TypeScript user", () => {
  const consumer = `import { AsyncClient, schemas, type User } from "matterapi";
import { createClient } from "matterapi/core";
import { integrationRouter } from "matterapi/integrations";
import { getUser, iterUsers } from "matterapi/operations";
import { getUser as getUserUnchecked } from "matterapi/operations/unvalidated";
import { validate } from "matterapi/schemas";
import { createTestServer } from "matterapi/testing";

export async function use(): Promise<string[]> {
  const server = await createTestServer();
  const client = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
  const me: User = await client.users.getUser("me");
  const core = createClient({ url: server.url, auth: { token: server.admin.token } });
  const same: User = await getUser(core, "me");
  const unchecked: User = await getUserUnchecked(core, "me");
  for await (const user of iterUsers(core, { per_page: 10 })) user.username.toUpperCase();
  // @ts-expect-error: no such method
  client.users.getUserr("me");
  // @ts-expect-error: getUser takes the client first
  getUser("me");
  const issues = await validate(schemas.User, me);
  void integrationRouter;
  return [me.id, same.id, unchecked.id, ...issues.map((issue) => issue.path)];
}
`;

  // Strict, with skipLibCheck off (every bundled .d.ts is checked), under the two resolutions users have.
  for (const [name, options, file] of [
    ["bundler", { module: "preserve", moduleResolution: "bundler" }, "consumer.ts"],
    ["node16 (ES module)", { module: "node16", moduleResolution: "node16" }, "consumer.mts"],
  ] as const) {
    it(`compile with moduleResolution ${name}, strict, skipLibCheck off`, async () => {
      const folder = join(project, `ts-${options.moduleResolution}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, file), consumer);
      const compilerOptions = {
        ...options,
        target: "es2022",
        lib: ["es2022", "dom"],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        // A Node user's @types/node (matterapi/integrations speaks node:http); the repository's copy.
        typeRoots: [join(repoRoot, "node_modules/@types")],
        types: ["node"],
      };
      writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions, files: [file] }));
      const result = await node([bin("typescript", "tsc"), "-p", folder]);
      expect(result.stdout + result.stderr).toBe("");
      expect(result.code).toBe(0);
    });
  }
});

describe("package checks", () => {
  it("attw: types resolve right under every profile (node10, node16 CJS and ESM, bundler)", async () => {
    const { stdout } = await run(
      process.execPath,
      [bin("@arethetypeswrong/cli", "attw"), tarball, "--format", "ascii"],
      {
        timeout: 240_000,
      },
    );
    expect(stdout).toContain("No problems found");
  });

  it("publint: no error, warning or suggestion", async () => {
    const { stdout } = await run(process.execPath, [bin("publint", "publint"), "run", tarball, "--strict"], {
      timeout: 240_000,
    });
    expect(stdout).toContain("All good!");
    expect(readdirSync(dirname(tarball)).filter((f) => f.endsWith(".tgz"))).toHaveLength(1);
  });
});
