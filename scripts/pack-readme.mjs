// `npm pack` and `npm publish` ship the users' README (README.package.md) as README.md, while the repository's
// README.md stays the contributors' guide. npm packs the working tree and always takes the root README.md, so:
//
//   node scripts/pack-readme.mjs in    (prepack, after the build) moves README.md aside to .tmp/ and renames
//                                      README.package.md to README.md (npm ships every README* at the root, and
//                                      `files` cannot leave one out, so the user README must not keep its name);
//   node scripts/pack-readme.mjs out   (postpack) renames both back.
//
// npm runs no postpack when packing fails, so `in` and every build first put back what an earlier run left swapped.
// Renames are atomic: README.md is never missing, and the swap lasts only while npm writes the tarball.
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const asideName = join(".tmp", "README.contributors.md");

/** Puts the contributors' README back if a pack left it aside; says whether it did. */
export function restoreReadme(root) {
  const aside = join(root, asideName);
  if (!existsSync(aside)) return false;
  const userReadme = join(root, "README.package.md");
  if (!existsSync(userReadme)) renameSync(join(root, "README.md"), userReadme);
  renameSync(aside, join(root, "README.md"));
  return true;
}

function swapIn(root) {
  restoreReadme(root);
  const userReadme = join(root, "README.package.md");
  if (!existsSync(userReadme)) throw new Error("README.package.md is missing: it is the README the package ships");
  mkdirSync(join(root, ".tmp"), { recursive: true });
  renameSync(join(root, "README.md"), join(root, asideName));
  renameSync(userReadme, join(root, "README.md"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const step = process.argv[2];
  if (step === "in") swapIn(root);
  else if (step === "out") restoreReadme(root);
  else {
    console.error(`usage: node scripts/pack-readme.mjs in|out (got ${JSON.stringify(step ?? null)})`);
    process.exit(2);
  }
}
