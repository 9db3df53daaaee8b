/**
 * Every `$ref` of the (patched) document must point at something the document has. A newer upstream path file that
 * names a schema only a newer definitions.yaml defines would otherwise become code that fails to typecheck in many
 * places at once; stopping here names the missing schema and each place that refers to it.
 */
import { type Locator, located, type PathKey } from "./load-spec.js";

// biome-ignore lint/suspicious/noExplicitAny: the spec is plain parsed YAML.
type Json = any;

export interface MissingRef {
  /** The `$ref` as written. */
  ref: string;
  /** Path of the object holding the `$ref`. */
  path: PathKey[];
}

/** Lists the references that resolve to nothing, in document order. */
export function missingRefs(document: Json): MissingRef[] {
  const missing: MissingRef[] = [];
  const visit = (node: Json, path: PathKey[]) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, [...path, i]);
      });
      return;
    }
    const inProperties = path[path.length - 1] === "properties";
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") {
        if (resolvePointer(document, value) === undefined) missing.push({ ref: value, path });
        continue;
      }
      // Examples and extensions are free-form data, not schemas (unless it is a property named so).
      if (!inProperties && (key === "example" || key.startsWith("x-"))) continue;
      visit(value, [...path, key]);
    }
  };
  visit(document, []);
  return missing;
}

/** Throws when a reference resolves to nothing; the message lists every such reference and where it is. */
export function checkRefs(document: Json, locate?: Locator): void {
  const missing = missingRefs(document);
  if (missing.length === 0) return;
  const names = [...new Set(missing.map((m) => targetName(m.ref)))];
  const lines = missing.map(
    (m) => `  ${located(locate, m.path, `${targetName(m.ref)}, referenced from ${describePath(m.path)}`)}`,
  );
  throw new Error(
    `the spec refers to ${names.length === 1 ? "a schema" : `${names.length} schemas`} it does not define ` +
      `(${names.join(", ")}); a newer path file may need a newer definitions.yaml, or the overlay a fix:\n` +
      lines.join("\n"),
  );
}

/** `#/components/schemas/Recap` is "Recap"; any other reference is shown as written. */
function targetName(ref: string): string {
  const match = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
  return match ? decodeSegment(match[1]) : ref;
}

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

/** "operation GET /api/v4/x (responses > 200 > ...)", "schema Post (properties > metadata)", or the raw path. */
export function describePath(path: PathKey[]): string {
  const rest = (from: number) => (path.length > from ? ` (${path.slice(from).join(" > ")})` : "");
  if (path[0] === "paths" && METHODS.has(String(path[2]))) {
    return `operation ${String(path[2]).toUpperCase()} ${path[1]}${rest(3)}`;
  }
  if (path[0] === "paths" && path.length >= 2) return `path ${path[1]}${rest(2)}`;
  if (path[0] === "components" && path[1] === "schemas" && path.length >= 3) return `schema ${path[2]}${rest(3)}`;
  return path.length > 0 ? path.join(" > ") : "the document root";
}

/** A local JSON pointer (`#/a/b`) into the document; anything else (another file, a URL) resolves to nothing. */
function resolvePointer(document: Json, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  if (ref === "#" || ref === "#/") return document;
  if (!ref.startsWith("#/")) return undefined;
  let node: Json = document;
  for (const segment of ref.slice(2).split("/").map(decodeSegment)) {
    if (!node || typeof node !== "object" || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

function decodeSegment(segment: string): string {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // Not percent-encoded after all: use it as written.
  }
  return text.replace(/~1/g, "/").replace(/~0/g, "~");
}
