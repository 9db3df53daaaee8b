/**
 * Reads the OpenAPI document with a real YAML parser and reports duplicate mapping keys instead of failing on them.
 * It also keeps the parsed YAML tree, so that a warning about any place in the document can say where that place is
 * written (`source/users.yaml:120`, see source-map.ts).
 */
import { readFileSync } from "node:fs";
import { type Document, isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import { assembledLines, type LineOrigin, specOrigin } from "./source-map.js";

export type PathKey = string | number;

export interface DuplicateKey {
  /** Path of the mapping that holds the key twice, as a list of keys from the root. */
  path: string[];
  key: string;
  /** 1-based lines of every occurrence, in file order. */
  lines: number[];
}

/** Says where a place of the document is written, as `file:line`. */
export interface Locator {
  /** The place at this path, or (for a path the overlay created or a newer spec dropped) its nearest ancestor. */
  where(path: readonly PathKey[]): string;
  /** A line of the spec file as read. */
  line(line: number): string;
}

export interface LoadedSpec {
  // biome-ignore lint/suspicious/noExplicitAny: the document is untyped YAML until the model is built from it.
  document: any;
  duplicates: DuplicateKey[];
  locate: Locator;
  /** Why locations are lines of the assembled file although the spec's folder has a source/ folder. */
  locationNote?: string;
}

export function loadSpec(path: string): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the spec at ${path}: ${(error as Error).message}`);
  }
  const origin = specOrigin(path, text);
  return { ...parseSpec(text, path, origin.line), ...(origin.note ? { locationNote: origin.note } : {}) };
}

/** `origin` names a line of `text`; by default `<source>:<line>`. */
export function parseSpec(text: string, source = "spec", origin: LineOrigin = assembledLines(source)): LoadedSpec {
  // uniqueKeys: false makes the parser keep going on a repeated key (the last copy wins in toJS());
  // we list every repeat so the overlay has to account for it explicitly.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true });
  if (doc.errors.length > 0) {
    const where = (e: (typeof doc.errors)[number]) => (e.linePos ? `${origin(e.linePos[0].line)}: ` : "");
    throw new Error(`cannot parse ${source}: ${doc.errors.map((e) => `${where(e)}${e.message}`).join("; ")}`);
  }
  const lineOf = lineIndex(text);
  const duplicates: DuplicateKey[] = [];
  walk(doc.contents, [], (path, key, offsets) => {
    duplicates.push({ path, key, lines: offsets.map(lineOf) });
  });
  const document = doc.toJS({ maxAliasCount: -1 });
  if (!document || typeof document !== "object" || typeof document.openapi !== "string") {
    throw new Error(`${source} is not an OpenAPI document (no "openapi" version field)`);
  }
  return { document, duplicates, locate: locator(doc, lineOf, origin) };
}

function walk(
  node: YamlNode | null | undefined | unknown,
  path: string[],
  report: (path: string[], key: string, offsets: number[]) => void,
): void {
  if (!isMap(node)) {
    if (node && typeof node === "object" && "items" in node && Array.isArray((node as { items: unknown[] }).items)) {
      (node as { items: unknown[] }).items.forEach((item, i) => {
        walk(item, [...path, String(i)], report);
      });
    }
    return;
  }
  const seen = new Map<string, number[]>();
  for (const pair of node.items) {
    const key = keyText(pair.key);
    const offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0;
    seen.set(key, [...(seen.get(key) ?? []), offset]);
    walk(pair.value, [...path, key], report);
  }
  for (const [key, offsets] of seen) {
    if (offsets.length > 1) report(path, key, offsets);
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Follows a path through the YAML tree; a repeated key resolves to its last copy, as in the parsed document. */
function locator(doc: Document, lineOf: (offset: number) => number, origin: LineOrigin): Locator {
  const line = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineOf(range[0]) : undefined;
  };
  return {
    line: origin,
    where(path) {
      let node: unknown = doc.contents;
      let found = 1;
      for (const key of path) {
        if (isAlias(node)) node = node.resolve(doc);
        if (isMap(node)) {
          const pair = node.items.findLast((p) => keyText(p.key) === String(key));
          if (!pair) break;
          found = line(pair.key) ?? found;
          node = pair.value;
        } else if (isSeq(node)) {
          const item = node.items[Number(key)];
          if (item === undefined) break;
          found = line(item) ?? found;
          node = item;
        } else break;
      }
      return origin(found);
    },
  };
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** A message about a place of the document, prefixed `file:line: ` when the place is known. */
export function located(locate: Locator | undefined, path: readonly PathKey[], message: string): string {
  return locate ? `${locate.where(path)}: ${message}` : message;
}
