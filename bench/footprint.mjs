// Installed footprint: what `npm install matterapi` puts in node_modules, against `npm install @mattermost/client`
// (the official client, at the version of our devDependency). Each goes into an empty project of its own.
//
//   npm run bench:footprint            packs matterapi first (in a copy of the repository: scripts/pack-copy.mjs)
//   node bench/footprint.mjs <tarball> measures that tarball instead
//
// Sizes are the files' bytes (what the package weighs) and the disk they take (`du`: whole 4 KiB blocks, which
// is what the many small files of a package really cost). Dependencies come from npm's cache, else the registry.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installInto, packCopy, repoRoot } from "../scripts/pack-copy.mjs";

/** Bytes of the files under `dir`, and the disk they take (512-byte blocks as stat counts them). */
function size(dir) {
  let bytes = 0;
  let disk = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const stat = lstatSync(path);
    disk += stat.blocks * 512;
    if (entry.isDirectory()) {
      const inner = size(path);
      bytes += inner.bytes;
      disk += inner.disk;
    } else bytes += stat.size;
  }
  return { bytes, disk };
}

/** Each installed package (scoped ones by full name) with its size, largest first. */
function packages(modules) {
  const out = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    const names = name.startsWith("@") ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name];
    for (const pkg of names) out.push({ pkg, ...size(join(modules, pkg)) });
  }
  return out.sort((a, b) => b.disk - a.disk);
}

const mb = (n) => (n / 1024 / 1024).toFixed(2);
const work = mkdtempSync(join(tmpdir(), "matterapi-footprint-"));
try {
  const tarball = process.argv[2] ?? (await packCopy(join(work, "pack"))).tarball;
  const official = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).devDependencies[
    "@mattermost/client"
  ];
  const subjects = [
    { name: "matterapi", spec: tarball },
    { name: "@mattermost/client", spec: `@mattermost/client@${official}` },
  ];
  const rows = [];
  for (const subject of subjects) {
    const project = await installInto(join(work, subject.name.replace(/\W/g, "-")), [subject.spec]);
    const modules = join(project, "node_modules");
    rows.push({ ...subject, total: size(modules), parts: packages(modules) });
  }
  console.log(`Node ${process.version}, npm install into an empty project.\n`);
  console.log("| package | node_modules (bytes) | node_modules (disk) | packages | largest |");
  console.log("|---|---:|---:|---:|---|");
  for (const row of rows) {
    const largest = row.parts
      .slice(0, 4)
      .map((p) => `${p.pkg} ${mb(p.disk)}`)
      .join(", ");
    console.log(
      `| ${row.name} | ${mb(row.total.bytes)} MB | ${mb(row.total.disk)} MB | ${row.parts.length} | ${largest} |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
