/** Builds a valid sample value for an OpenAPI schema (what the contract tests send). */
// biome-ignore lint/suspicious/noExplicitAny: plain OpenAPI schema objects.
type Json = any;

export function sample(schema: Json, document: Json, depth = 0): unknown {
  if (!schema || typeof schema !== "object" || depth > 12) return undefined;
  if (schema.$ref) {
    const name = String(schema.$ref).replace("#/components/schemas/", "");
    return sample(document.components.schemas[name], document, depth + 1);
  }
  if (schema.example !== undefined && depth > 0 && typeof schema.example !== "object") return schema.example;
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((s: Json) => sample(s, document, depth + 1)));
  }
  const union = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(union)) return sample(union[0], document, depth + 1);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case "string":
      if (schema.format === "binary") return new Uint8Array([1, 2, 3]);
      if (schema.format === "date-time") return "2024-01-01T00:00:00Z";
      if (schema.format === "date") return "2024-01-01";
      if (schema.format === "email") return "user@example.com";
      if (schema.format === "uri" || schema.format === "url") return "https://example.com";
      return "sample";
    case "integer":
      return schema.minimum ?? 1;
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      if (!schema.items) return [];
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items, document, depth + 1));
    default: {
      if (!schema.properties && schema.type !== "object") return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries<Json>(schema.properties ?? {})) {
        if (value?.readOnly) continue;
        const v = sample(value, document, depth + 1);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}
