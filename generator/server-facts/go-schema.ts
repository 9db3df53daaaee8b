/**
 * Go types (as facts) to OpenAPI schemas, and the coarse "kind" of either side that the reconciler compares.
 * encoding/json decides the wire shape: integers and floats are numbers, []byte is a base64 string, time.Time an
 * RFC 3339 string, maps have string keys, nil pointers, slices, maps and interfaces are written as null.
 */
import type { SchemaObject } from "../model.js";
import { refName } from "../model.js";
import type { GoField, GoType } from "./facts.js";

export interface GoSchemaContext {
  /** The component that stands for a Go struct (created on demand by the caller). */
  componentFor(struct: string): string;
  /** Enum values of a named Go type, if its constants were found. */
  enumOf(named: string): (string | number)[] | undefined;
}

export function goSchema(type: GoType, ctx: GoSchemaContext, asString = false): SchemaObject {
  if (asString) return { type: "string" };
  switch (type.kind) {
    case "string": {
      const values = type.named ? ctx.enumOf(type.named) : undefined;
      // Open: a newer server may send a value we do not know; the type lists the known ones.
      return values?.length ? { type: "string", "x-enum": values } : { type: "string" };
    }
    case "integer":
    case "number":
    case "boolean":
      return { type: type.kind };
    case "bytes":
    case "time":
      return { type: "string" };
    case "array":
      return { type: "array", items: type.items ? goSchema(type.items, ctx) : {} };
    case "map":
      return { type: "object", additionalProperties: type.values ? goSchema(type.values, ctx) : {} };
    case "ref":
      return { $ref: `#/components/schemas/${ctx.componentFor(type.name as string)}` };
    case "object":
      return inlineObject(type.fields ?? [], ctx);
    default:
      return {};
  }
}

function inlineObject(fields: GoField[], ctx: GoSchemaContext): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  const required: string[] = [];
  for (const f of fields) {
    properties[f.json] = withNull(goSchema(f.type, ctx, f.asString), nilable(f));
    if (!f.omitempty) required.push(f.json);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

/** encoding/json writes null for a nil pointer, slice, map or interface unless the field is omitempty. */
export function nilable(field: GoField): boolean {
  if (field.omitempty) return false;
  return field.pointer === true || ["array", "map", "any", "bytes"].includes(field.type.kind);
}

export function withNull(schema: SchemaObject, nullable: boolean): SchemaObject {
  if (!nullable || schema.nullable === true || Object.keys(schema).length === 0) return schema;
  return { ...schema, nullable: true };
}

/** A comparable summary of a schema: "string", "integer", "ref:Post", "array<ref:User>", "map", "object", "any". */
export function kindOf(schema: SchemaObject, components: Record<string, SchemaObject>, depth = 0): string {
  if (!schema || typeof schema !== "object" || depth > 8) return "any";
  const ref = refName(schema);
  if (ref) return `ref:${ref}`;
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return kindOf(schema.allOf[0], components, depth + 1);
  if (schema.allOf || schema.oneOf || schema.anyOf) return "object";
  if (schema.type === "array") return `array<${kindOf(schema.items, components, depth + 1)}>`;
  if (schema.type === "object" || schema.properties) {
    const hasProps = schema.properties && Object.keys(schema.properties).length > 0;
    return hasProps ? "object" : "map";
  }
  return typeof schema.type === "string" ? schema.type : "any";
}
