// `npm pack` of matterapi from a copy of the repository, for the package test and bench/footprint.mjs: the real
// prepack/postpack (build, README swap) run, but in the copy, so the checkout's dist/ (which other tests and
// benchmarks read while this runs) and README.md are never touched. node_modules is linked, not copied. And, where
// a pack is not needed, a project that links this repository as its matterapi (linkedProject).
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What the build and the pack read. */
const SOURCES = [
  "package.json",
  "README.md",
  "README.package.md",
  "LICENSE",
  "tsconfig.json",
  "tsconfig.build.json",
  "src",
  "scripts",
];

/** npm's own binary beside this node, if there (npm-cli.js), so that no shell is needed to run it. */
export function npmCommand() {
  const cli = join(dirname(process.execPath), "../lib/node_modules/npm/bin/npm-cli.js");
  return existsSync(cli) ? [process.execPath, [cli]] : ["npm", []];
}

/** Runs npm with `args` in `cwd`, bounded by `timeout` ms; resolves with its stdout. */
export async function npm(args, cwd, timeout = 240_000) {
  const [file, pre] = npmCommand();
  try {
    const { stdout } = await run(file, [...pre, ...args], {
      cwd,
      timeout,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    });
    return stdout;
  } catch (error) {
    // What the build or npm said (tsc prints its errors on stdout), the end of it: that is where the reason is.
    const said = `${error.stdout ?? ""}\n${error.stderr ?? ""}`.trim().slice(-4000);
    const how = error.killed ? `killed after ${timeout} ms` : `exit code ${error.code}`;
    throw new Error(`npm ${args.join(" ")} in ${cwd} failed (${how}):\n${said}`, { cause: error });
  }
}

/**
 * Copies the repository's sources into a fresh temp folder, packs there and returns the tarball's path, the copy's
 * folder and what `npm pack --json` said about the tarball (files, size, unpackedSize).
 */
export async function packCopy(into = mkdtempSync(join(tmpdir(), "matterapi-pack-"))) {
  const copy = join(into, "repo");
  for (const name of SOURCES) {
    const from = join(repoRoot, name);
    if (existsSync(from)) cpSync(from, join(copy, name), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(copy, "node_modules"), "dir");
  const out = join(into, "tarball");
  mkdirSync(out, { recursive: true });
  const stdout = await npm(["pack", "--json", "--pack-destination", out], copy, 480_000); // a whole build
  // The prepack build's own output comes first on stdout; npm's JSON is the last thing there.
  const [info] = JSON.parse(stdout.slice(Math.max(0, stdout.lastIndexOf("\n[") + 1)));
  const tarball = join(
    out,
    readdirSync(out).find((name) => name.endsWith(".tgz")),
  );
  return { tarball, copy, info };
}

/**
 * An empty project in `dir` with `specs` installed (a tarball's path, or a package name); dependencies come from
 * npm's cache when it has them, else from the registry.
 */
export async function installInto(dir, specs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "probe", version: "1.0.0", private: true })}\n`);
  await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", ...specs], dir);
  return dir;
}

/**
 * A throwaway project whose node_modules/matterapi is this repository: "matterapi/..." resolves through package.json
 * `exports` and `imports` to the built dist/, as in an app that installed it (no pack, no install). Throws when
 * dist/ is not built.
 */
export function linkedProject(prefix = "matterapi-linked-") {
  if (!existsSync(join(repoRoot, "dist/portable.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (npm test builds before it tests)");
  }
  const project = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(project, "node_modules"));
  symlinkSync(repoRoot, join(project, "node_modules/matterapi"), "dir");
  return project;
}
