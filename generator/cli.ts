/**
 * npm run generate -- --spec <path>          regenerate src/generated/
 * npm run generate:check [-- --spec <path>]  regenerate into a temp folder and fail on any difference
 * npm run generate -- --emit-spec <file>     also write the patched spec (JSON) for the contract tests' mock server
 * npm run generate -- --overlay <file>       another overlay (default spec/overlay.yaml); the server facts are read
 *                                            from the `server/` folder beside it
 *
 * Without --spec the spec is looked up in $MATTERMOST_OPENAPI_SPEC, then ../shared/mattermost-api/.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { generate, writeFiles } from "./generate.js";
import { summary, undecided } from "./server-facts/report.js";

interface Args {
  spec?: string;
  overlay: string;
  out: string;
  check: boolean;
  emitSpec?: string;
  quiet: boolean;
}

const ROOT = resolve(import.meta.dirname, "..");

function parseArgs(argv: string[]): Args {
  const args: Args = {
    out: join(ROOT, "src/generated"),
    overlay: join(ROOT, "spec/overlay.yaml"),
    check: false,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--spec") args.spec = value();
    else if (flag === "--out") args.out = resolve(value());
    else if (flag === "--overlay") args.overlay = resolve(value());
    else if (flag === "--check") args.check = true;
    else if (flag === "--emit-spec") args.emitSpec = resolve(value());
    else if (flag === "--quiet") args.quiet = true;
    else throw new Error(`unknown argument ${flag} (expected --spec, --out, --overlay, --check, --emit-spec, --quiet)`);
  }
  return args;
}

export function defaultSpecPath(): string | undefined {
  const candidates = [
    process.env.MATTERMOST_OPENAPI_SPEC,
    join(ROOT, "../shared/mattermost-api/mattermost-openapi-v4.yaml"),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p));
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const spec = args.spec ?? defaultSpecPath();
  if (!spec) {
    console.error(
      "No spec found. Pass --spec <path to mattermost-openapi-v4.yaml>, set MATTERMOST_OPENAPI_SPEC, " +
        "or put the spec at ../shared/mattermost-api/ beside the project.",
    );
    return 2;
  }
  const result = generate(spec, args.overlay, args.emitSpec);
  const log = args.quiet ? () => {} : (m: string) => console.log(m);
  for (const s of result.report.skipped) {
    console.warn(`overlay: fix ${s.id} not applied${s.at ? ` (${s.at})` : ""}: ${s.why}`);
  }
  for (const d of result.report.unhandledDuplicates) {
    console.warn(`spec: key ${d.key} repeated under ${d.path.join(" > ")} (${d.at.join(", ")}); kept the last`);
  }
  for (const w of result.warnings) console.warn(`generator: ${w}`);
  const open = result.drift ? undecided(result.drift) : [];
  if (result.drift) log(summary(result.drift));
  for (const e of open) {
    console.error(
      `server facts: ${e.schema}.${e.field || "*"} (${e.kind}): the spec says ${e.spec || "-"}, the server ${e.server} ` +
        `(${e.source}); nobody decided: add a decision in spec/server/models.yaml`,
    );
  }
  if (args.check && open.length > 0) return 1;

  if (args.check) {
    const temp = mkdtempSync(join(tmpdir(), "matterapi-generate-"));
    try {
      writeFiles(temp, result.files);
      const expected = listFiles(temp);
      const actual = listFiles(args.out);
      const differences: string[] = [];
      for (const file of new Set([...expected, ...actual])) {
        const a = join(args.out, file);
        const b = join(temp, file);
        if (!existsSync(a)) differences.push(`missing: ${file}`);
        else if (!existsSync(b)) differences.push(`not generated (stale or hand-written): ${file}`);
        else if (readFileSync(a, "utf8") !== readFileSync(b, "utf8")) differences.push(`differs: ${file}`);
      }
      if (differences.length > 0) {
        console.error(`src/generated is not current (${differences.length} files):`);
        for (const d of differences.slice(0, 30)) console.error(`  ${d}`);
        console.error("Run: npm run generate -- --spec <path to mattermost-openapi-v4.yaml>");
        return 1;
      }
      log(`src/generated is current: ${expected.length} files, ${result.operations} operations.`);
      return 0;
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }
  writeFiles(args.out, result.files);
  log(
    `Wrote ${result.files.size} files to ${relative(process.cwd(), args.out) || "."}: ${result.operations} operations ` +
      `in ${result.groups} groups, ${result.schemas} component schemas; ${result.report.applied.length} overlay fixes applied.`,
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`generate: ${(error as Error).message}`);
  process.exitCode = 2;
}
