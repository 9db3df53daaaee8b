/**
 * Extracts the server's model structs as data: reads the Go files of mattermost/mattermost server/public/model
 * (a reference copy beside this project, each file from the commit its PROVENANCE.md table gives) and writes
 * spec/server/go-structs.json: JSON field names, kinds, pointers, omitempty, embeds, json:"-" fields, custom
 * MarshalJSON, named types and enum values, each with its file and line. No Go code is copied, only these facts.
 *
 *   npx tsx scripts/server-facts/go-structs.ts [--model <dir>] [--out <file>]
 *
 * Defaults: ../shared/mattermost-server/model beside the repository, and spec/server/go-structs.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Extraction, extractGoFacts, type GoModelFacts } from "./go-facts.js";
import { printJson } from "./json-print.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DEFAULT_MODEL_DIR = join(ROOT, "../shared/mattermost-server/model");
export const DEFAULT_OUT = join(ROOT, "spec/server/go-structs.json");
/** Where upstream keeps these files (stated in PROVENANCE.md). */
const SOURCE = { repository: "mattermost/mattermost", path: "server/public/model" };

export interface FileProvenance {
  commit?: string;
  note?: string;
}

export interface GoStructsJson extends GoModelFacts {
  source: typeof SOURCE;
  files: Record<string, FileProvenance>;
}

/** The `| file | commit | size | notes |` table of PROVENANCE.md, in the model folder or the one above it. */
export function readProvenance(modelDir: string): Map<string, FileProvenance> {
  const path = [join(modelDir, "PROVENANCE.md"), join(modelDir, "..", "PROVENANCE.md")].find((p) => existsSync(p));
  const table = new Map<string, FileProvenance>();
  if (!path) return table;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\|\s*`([^`]+\.go)`\s*\|\s*`([0-9a-f]{40})`\s*\|[^|]*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    const note = m[3].trim();
    table.set(m[1], { commit: m[2], ...(note ? { note } : {}) });
  }
  return table;
}

export function buildGoStructs(modelDir: string): Extraction & { json: GoStructsJson } {
  const names = readdirSync(modelDir)
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"))
    .sort();
  const extraction = extractGoFacts(names.map((file) => ({ file, text: readFileSync(join(modelDir, file), "utf8") })));
  const provenance = readProvenance(modelDir);
  const files: Record<string, FileProvenance> = {};
  for (const file of names) {
    files[file] = provenance.get(file) ?? {};
    if (!provenance.has(file)) extraction.warnings.push(`${file}: no commit in PROVENANCE.md`);
  }
  const json: GoStructsJson = { source: SOURCE, files, ...extraction.facts };
  return { ...extraction, json };
}

function main(): void {
  const { values } = parseArgs({ options: { model: { type: "string" }, out: { type: "string" } } });
  const modelDir = values.model ? resolve(values.model) : DEFAULT_MODEL_DIR;
  const out = values.out ? resolve(values.out) : DEFAULT_OUT;
  if (!existsSync(modelDir)) {
    console.error(`No Go model folder at ${modelDir}; pass --model <dir>.`);
    process.exit(1);
  }
  const { json, warnings, notes, unresolved } = buildGoStructs(modelDir);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, printJson(json));

  for (const n of notes) console.log(`note: ${n}`);
  if (unresolved.size) {
    const list = [...unresolved].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, count]) => `${n} (${count})`);
    console.log(`note: resolved to "any" for want of a definition: ${list.join(", ")}`);
  }
  for (const w of warnings) console.log(`warning: ${w}`);
  const structs = Object.values(json.structs);
  const fields = structs.reduce((sum, s) => sum + s.fields.length, 0);
  console.log(
    `${relative(process.cwd(), out)}: ${Object.keys(json.files).length} files, ${structs.length} structs, ` +
      `${fields} fields, ${Object.keys(json.enums).length} enums, ${Object.keys(json.types).length} types, ` +
      `${warnings.length} warnings`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
