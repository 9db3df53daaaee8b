import type { Schema } from "../schema.js";

/**
 * The schema-side path of a JSON pointer into the data: map keys become `*` and array indices `[]`, so that a
 * mismatch in every post of a PostList is one issue, not one per post. (The issue walker builds the same path as
 * it goes; this is for a pointer found elsewhere.)
 */
export function schemaPath(schema: Schema, pointer: string): string {
  if (!pointer) return "";
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const out: string[] = [];
  let current: Schema | undefined = schema;
  for (const segment of segments) {
    const next = step(current, segment);
    out.push(next.label);
    current = next.schema;
  }
  return out.join(".").replace(/\.\[\]/g, "[]");
}

function step(schema: Schema | undefined, segment: string): { label: string; schema: Schema | undefined } {
  if (!schema) return { label: /^\d+$/.test(segment) ? "[]" : segment, schema: undefined };
  for (const sub of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
    const found = step(sub, segment);
    if (found.schema) return found;
  }
  if (schema.type === "array") return { label: "[]", schema: schema.items };
  if (schema.properties && Object.hasOwn(schema.properties, segment)) {
    return { label: segment, schema: schema.properties[segment] };
  }
  if (schema.additionalProperties) return { label: "*", schema: schema.additionalProperties };
  if (schema.type === "object" && !schema.properties) return { label: "*", schema: undefined };
  return { label: segment, schema: undefined };
}
