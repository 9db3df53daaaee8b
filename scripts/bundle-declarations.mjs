// Bundles tsc's declarations (one small .d.ts per source file, each costing a whole disk block once installed) into
// one .d.ts per package entry, with rollup-plugin-dts. All entries go through one rollup build, so that the types
// several entries share are written once, in types/, rather than repeated in each entry's file.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

/**
 * Bundles the declarations tsc wrote to `from` into `to`: one file per entry, named as its key (relative to `to`,
 * e.g. "modular/core.d.ts"), from the tsc output its value names (relative to `from`), plus the shared chunks in
 * `to`/types/ (apart from esbuild's chunks/). JSDoc comments stay; imports of other packages (undici, ws, node:*)
 * stay imports. `from` and `to` must differ: tsc's files would be read and overwritten by the same build. Returns
 * the files written, relative to `to`.
 */
export async function bundleDeclarations({ from, to, entries }) {
  if (resolve(from) === resolve(to)) throw new Error("bundleDeclarations: `from` and `to` must be different folders");
  const input = Object.fromEntries(
    Object.entries(entries).map(([output, source]) => [output.replace(/\.d\.ts$/, ""), join(from, source)]),
  );
  const bundle = await rollup({
    input,
    // Only relative imports are ours; every other specifier is a package (or node:*), which stays an import.
    external: (id) => !id.startsWith(".") && !isAbsolute(id),
    plugins: [dts()],
    onwarn(warning) {
      // The plugin's note that an entry names a type no entry exports (ClientCore, ResolvedOptions...): as with
      // tsc's files under dist/, which package.json `exports` does not expose either, nothing more to do.
      if (warning.plugin === "dts" && warning.message.includes("private shared type exports")) return;
      throw new Error(`bundleDeclarations: ${warning.message}`);
    },
  });
  try {
    const { output } = await bundle.write({
      dir: to,
      format: "es",
      entryFileNames: "[name].d.ts",
      // No hash: a chunk keeps its name (its folder, see chunkByFolder, or rollup's name for it: one of its
      // modules', e.g. "operation.d" for modular/operation.d.ts) from build to build.
      chunkFileNames: (chunk) => `types/${chunk.name.replace(/\.d$/, "")}.d.ts`,
      manualChunks: chunkByFolder(resolve(from)),
    });
    return output.map((file) => file.fileName);
  } finally {
    await bundle.close();
  }
}

/**
 * rollup's `manualChunks`: a generated module that two or more entries use goes to the chunk named after its folder
 * (generated/models/users.d.ts to "models"): stable, telling names, and the operations in types/functions.d.ts
 * rather than in operations-unvalidated.d.ts for operations.d.ts to import. rollup places the rest (shared parts of
 * core/ and ws/ join the chunk that uses them). Chunking core/ and ws/ by folder too makes circular chunks.
 */
function chunkByFolder(from) {
  let entriesOf;
  return (id, { getModuleIds, getModuleInfo }) => {
    if (!entriesOf) entriesOf = entriesByModule([...getModuleIds()].map(getModuleInfo));
    if (getModuleInfo(id)?.isEntry || (entriesOf.get(id)?.size ?? 0) < 2) return undefined;
    const [first, second] = dirname(relative(from, id)).split(sep);
    return first === "generated" ? second : undefined;
  };
}

/** For each module, the entries whose declarations reach it through imports. */
function entriesByModule(modules) {
  const byId = new Map(modules.map((module) => [module.id, module]));
  const entriesOf = new Map();
  for (const entry of modules.filter((module) => module.isEntry)) {
    const pending = [entry.id];
    while (pending.length > 0) {
      const id = pending.pop();
      const entries = entriesOf.get(id) ?? entriesOf.set(id, new Set()).get(id);
      if (entries.has(entry.id)) continue;
      entries.add(entry.id);
      pending.push(...(byId.get(id)?.importedIds ?? []));
    }
  }
  return entriesOf;
}

/** The entries of package.json `exports` (each condition's `types` under dist/), as `bundleDeclarations` takes them:
 * the output is named as tsc's output for the same source, so each maps to itself. */
export function packageDeclarationEntries(pkg) {
  const types = new Set();
  const visit = (value) => {
    if (typeof value === "string") {
      if (value.startsWith("./dist/") && value.endsWith(".d.ts")) types.add(value.slice("./dist/".length));
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) if (key !== "require") visit(inner);
    }
  };
  visit(pkg.exports);
  return Object.fromEntries([...types].map((file) => [file, file]));
}

// node scripts/bundle-declarations.mjs <from> <to>: the entries of package.json `exports`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error("usage: node scripts/bundle-declarations.mjs <tsc output folder> <output folder>");
    process.exit(2);
  }
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const written = await bundleDeclarations({ from, to, entries: packageDeclarationEntries(pkg) });
  console.log(`bundle-declarations: ${written.length} files in ${to}`);
}
