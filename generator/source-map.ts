/**
 * Where a line of the assembled spec came from. Upstream writes mattermost-openapi-v4.yaml by concatenating the
 * files of api/v4/source in the order its api/Makefile gives (`cat $(V4_SRC)/<file>.yaml >> $(V4_YAML)`), so
 * a warning is far more useful as `source/users.yaml:120` than as line 14,000 of the assembled file. The mapping is
 * used only when the concatenation reproduces the spec exactly; otherwise lines are the assembled file's.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Names a line of the spec as `file:line`. */
export type LineOrigin = (line: number) => string;

export interface SpecOrigin {
  line: LineOrigin;
  /** Why lines are not mapped to source/ although the spec's folder has one (else undefined). */
  note?: string;
}

/** The Makefiles that may give the order, in the spec's folder: our copy of upstream's, or upstream's own. */
const MAKEFILES = ["Makefile.upstream", "Makefile"];

export function specOrigin(specPath: string, text: string): SpecOrigin {
  const assembled = assembledLines(basename(specPath));
  const folder = dirname(specPath);
  if (!existsSync(join(folder, "source"))) return { line: assembled };
  const order = makefileOrder(folder);
  if (!order) return { line: assembled, note: `no ${MAKEFILES.join(" or ")} beside source/ gives their order` };
  const parts: { name: string; text: string }[] = [];
  for (const name of order) {
    const path = join(folder, "source", name);
    if (!existsSync(path)) return { line: assembled, note: `the Makefile names source/${name}, which is missing` };
    parts.push({ name: `source/${name}`, text: readFileSync(path, "utf8") });
  }
  if (parts.map((p) => p.text).join("") !== text) {
    return { line: assembled, note: "the files in source/ concatenated in Makefile order differ from the spec" };
  }
  return { line: sourceLines(parts) };
}

/** The file names of `cat $(V4_SRC)/<name>` in recipe order, each once (definitions.yaml is also an argument). */
export function makefileOrder(folder: string): string[] | undefined {
  const makefile = MAKEFILES.map((m) => join(folder, m)).find((p) => existsSync(p));
  if (!makefile) return undefined;
  const names = [...readFileSync(makefile, "utf8").matchAll(/\bcat\s+\$\(V4_SRC\)\/([^\s)]+)/g)].map((m) => m[1]);
  return names.length > 0 ? [...new Set(names)] : undefined;
}

export function assembledLines(name: string): LineOrigin {
  return (line) => `${name}:${line}`;
}

/** Maps a line of the concatenation to its file; each file starts on the line after the previous one's last newline. */
export function sourceLines(parts: { name: string; text: string }[]): LineOrigin {
  const starts: { name: string; line: number }[] = [];
  let line = 1;
  for (const part of parts) {
    starts.push({ name: part.name, line });
    for (let i = 0; i < part.text.length; i++) if (part.text.charCodeAt(i) === 10) line++;
  }
  return (wanted) => {
    let found = starts[0];
    for (const start of starts) {
      if (start.line > wanted) break;
      found = start;
    }
    return found ? `${found.name}:${wanted - found.line + 1}` : `?:${wanted}`;
  };
}
