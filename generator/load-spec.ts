/** Reads the OpenAPI document with a real YAML parser and reports duplicate mapping keys instead of failing on them. */
import { readFileSync } from "node:fs";
import { isMap, isScalar, parseDocument, type Node as YamlNode } from "yaml";

export interface DuplicateKey {
  /** Path of the mapping that holds the key twice, as a list of keys from the root. */
  path: string[];
  key: string;
  /** 1-based lines of every occurrence, in file order. */
  lines: number[];
}

export interface LoadedSpec {
  // biome-ignore lint/suspicious/noExplicitAny: the document is untyped YAML until the model is built from it.
  document: any;
  duplicates: DuplicateKey[];
}

export function loadSpec(path: string): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the spec at ${path}: ${(error as Error).message}`);
  }
  return parseSpec(text, path);
}

export function parseSpec(text: string, source = "spec"): LoadedSpec {
  // uniqueKeys: false makes the parser keep going on a repeated key (the last copy wins in toJS());
  // we list every repeat so the overlay has to account for it explicitly.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new Error(`cannot parse ${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
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
  return { document, duplicates };
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
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0;
    seen.set(key, [...(seen.get(key) ?? []), offset]);
    walk(pair.value, [...path, key], report);
  }
  for (const [key, offsets] of seen) {
    if (offsets.length > 1) report(path, key, offsets);
  }
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
