/**
 * Deterministic JSON for facts files: keys sorted, 2-space indent, trailing newline, laid out as Biome formats
 * JSON (120 columns), so that `biome check` passes on the written file without reformatting it: objects always
 * broken over lines, arrays of plain values on one line when they fit, numbers filled line by line otherwise.
 */
const WIDTH = 120;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isPlain = (v: Json): v is string | number | boolean | null => v === null || typeof v !== "object";

/** `value` at `indent`, its first line starting at column `column` and followed by `after` (a comma or nothing). */
function print(value: Json, indent: string, column: number, after: string): string {
  if (isPlain(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every(isPlain)) {
      const items = value.map((v) => JSON.stringify(v));
      const flat = `[${items.join(", ")}]`;
      if (column + flat.length + after.length <= WIDTH) return flat;
      if (value.every((v) => typeof v === "number")) {
        const lines: string[] = [];
        let line = "";
        items.forEach((item, i) => {
          const piece = i < items.length - 1 ? `${item},` : item;
          if (line && inner.length + line.length + 1 + piece.length > WIDTH) {
            lines.push(line);
            line = "";
          }
          line = line ? `${line} ${piece}` : piece;
        });
        lines.push(line);
        return `[\n${lines.map((l) => inner + l).join("\n")}\n${indent}]`;
      }
    }
    const rows = value.map((v, i) => inner + print(v, inner, inner.length, i < value.length - 1 ? "," : ""));
    return `[\n${rows.join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  if (keys.length === 0) return "{}";
  const rows = keys.map((k, i) => {
    const head = `${inner}${JSON.stringify(k)}: `;
    return head + print(value[k], inner, head.length, i < keys.length - 1 ? "," : "");
  });
  return `{\n${rows.join(",\n")}\n${indent}}`;
}

export function printJson(value: unknown): string {
  return `${print(JSON.parse(JSON.stringify(value)) as Json, "", 0, "")}\n`;
}
