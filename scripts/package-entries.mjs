// package.json `exports`: one pattern for every subpath, checked at each build, and the CommonJS entries it names.
// To add a subpath ("./foo", built by esbuild as dist/foo.js with types dist/foo.d.ts), add to package.json:
//
//   "exports":       "./foo": {
//                      "require": { "types": "./dist/cjs/foo.d.cts", "default": "./dist/cjs/foo.cjs" },
//                      "types": "./dist/foo.d.ts",
//                      "default": "./dist/foo.js"
//                    }
//   "typesVersions": { "*": { "foo": ["./dist/foo.d.ts"] } }     (TypeScript's old node10 resolution)
//
// and the build writes dist/cjs/foo.cjs and foo.d.cts. The ES module is the package; `require()` gets that same
// module (Node 20.19+ and 22.12+ can require ES modules), never a second copy with classes of its own. Where Node
// cannot, the CommonJS entry fails with a message that says what to do, instead of Node's ERR_REQUIRE_ESM about a
// file deep in dist/. Types for `require` are a .d.cts that re-exports the ESM declarations, so TypeScript and
// `attw` see a CommonJS entry where Node resolves one.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";

const CJS = /^\.\/dist\/cjs\/[\w-]+\.cjs$/;

/** What is wrong with one subpath's entry, as sentences; none when it follows the pattern. */
function entryProblems(pkg, subpath, entry) {
  const where = `exports["${subpath}"]`;
  if (typeof entry !== "object" || entry === null) return [`${where} must be an object of conditions`];
  const problems = [];
  if (typeof entry.types !== "string" || !entry.types.endsWith(".d.ts")) problems.push(`${where}.types: a .d.ts`);
  if (typeof entry.default !== "string" || !entry.default.endsWith(".js")) problems.push(`${where}.default: a .js`);
  const cjs = entry.require;
  if (typeof cjs?.default !== "string" || !CJS.test(cjs.default)) {
    problems.push(`${where}.require.default: ./dist/cjs/<name>.cjs`);
  } else if (cjs.types !== cjs.default.replace(/\.cjs$/, ".d.cts")) {
    problems.push(`${where}.require.types: "${cjs.default.replace(/\.cjs$/, ".d.cts")}"`);
  }
  const keys = Object.keys(entry).filter((key) => key !== "browser");
  if (keys[0] !== "require") problems.push(`${where}: "require" first (before "types", which TypeScript would take)`);
  if (subpath !== ".") {
    const mapped = pkg.typesVersions?.["*"]?.[subpath.slice(2)];
    if (!Array.isArray(mapped) || mapped.length !== 1 || mapped[0] !== entry.types) {
      problems.push(`typesVersions["*"]["${subpath.slice(2)}"]: ["${entry.types}"] (types for node10 resolution)`);
    }
  }
  return problems;
}

function relativeSpecifier(from, to) {
  const path = posix.relative(posix.dirname(from), to);
  return path.startsWith(".") ? path : `./${path}`;
}

function requireEntry(specifier, esm) {
  return `"use strict";
// require("${specifier}"): the ES module itself, the same instance import() gives (Node 20.19+ and 22.12+).
try {
  module.exports = require("${esm}");
} catch (error) {
  if (error?.code !== "ERR_REQUIRE_ESM") throw error;
  const message =
    \`${specifier} is an ES module, and this Node (\${process.version}) cannot require() one: require("${specifier}") \` +
    \`needs Node 20.19+ or 22.12+. Use import("${specifier}") (it works in CommonJS too), or a newer Node.\`;
  throw Object.assign(new Error(message, { cause: error }), { code: "ERR_REQUIRE_ESM" });
}
`;
}

/**
 * Checks package.json `exports` against the pattern above (failing the build with every problem listed) and writes
 * the CommonJS entry and its declarations for each subpath. Run after the ESM build: the files it points at must be
 * there.
 */
export function writeRequireEntries(root, pkg) {
  const problems = [];
  const subpaths = Object.entries(pkg.exports ?? {}).filter(([subpath]) => subpath !== "./package.json");
  for (const [subpath, entry] of subpaths) problems.push(...entryProblems(pkg, subpath, entry));
  for (const [subpath, entry] of subpaths) {
    for (const file of new Set([entry?.types, entry?.default, entry?.browser?.types, entry?.browser?.default])) {
      if (typeof file === "string" && !existsSync(join(root, file))) {
        problems.push(`exports["${subpath}"] names ${file}, which the build did not write`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `package.json does not follow the package's exports pattern (scripts/package-entries.mjs):\n- ${problems.join("\n- ")}`,
    );
  }
  for (const [subpath, entry] of subpaths) {
    const specifier = pkg.name + subpath.slice(1);
    const cjs = entry.require.default;
    mkdirSync(join(root, dirname(cjs)), { recursive: true });
    writeFileSync(join(root, cjs), requireEntry(specifier, relativeSpecifier(cjs, entry.default)));
    const types = relativeSpecifier(cjs, entry.types.replace(/\.d\.ts$/, ".js"));
    writeFileSync(join(root, entry.require.types), `export * from "${types}";\n`);
  }
}
