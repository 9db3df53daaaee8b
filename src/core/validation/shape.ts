/**
 * How a schema of our language (src/core/schema.ts) reads, shared by the fast check and the issue walker so that
 * the two cannot disagree. Schemas may come from users (`client.request(..., { schema })`), so malformed keywords
 * (an `allOf` that is no array, an unknown `type`) are ignored rather than trusted.
 */
import type { Schema } from "../schema.js";

export type Kind = "enum" | "string" | "integer" | "number" | "boolean" | "array" | "object" | "any";

const TYPES = new Set(["string", "integer", "number", "boolean", "array", "object"]);

/** The schema's own constraint, ignoring nullable and allOf/oneOf/anyOf. */
export function ownKind(schema: Schema): Kind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return "enum";
  if (typeof schema.type === "string") return TYPES.has(schema.type) ? (schema.type as Kind) : "any";
  // No type but an object's keywords: an object, as the generator reads such a schema.
  if (isSchema(schema.properties) || isSchema(schema.additionalProperties)) return "object";
  return "any";
}

/** The non-empty oneOf and anyOf lists of a schema; a value must match one branch of each. */
export function branchesOf(schema: Schema): (readonly Schema[])[] {
  const lists: (readonly Schema[])[] = [];
  if (Array.isArray(schema.oneOf) && schema.oneOf.length > 0) lists.push(schema.oneOf);
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) lists.push(schema.anyOf);
  return lists;
}

export function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null;
}

/** Does a value of this JSON type pass the kind's type test (enum and any say yes: they are no type test)? */
export function kindAdmits(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    default:
      return true;
  }
}

const MAX_LISTED = 8;
const MAX_DESCRIPTION = 200;

/** A short description of what a schema accepts, from the schema alone (never from data). */
export function describe(schema: Schema): string {
  if (typeof schema !== "object" || schema === null) return "any value";
  if (typeof schema.title === "string") return orNull(schema.title, schema);
  const kind = ownKind(schema);
  if (kind === "enum") return orNull(describeEnum(schema.enum as readonly unknown[]), schema);
  if (kind === "array" && typeof schema.items?.title === "string") return orNull(`${schema.items.title}[]`, schema);
  if (kind !== "any") return orNull(kind, schema);
  const parts = Array.isArray(schema.allOf) ? schema.allOf : [];
  if (parts.length === 1) return orNull(describe(parts[0]), schema);
  const [branches] = branchesOf(schema);
  if (branches) return orNull(describeBranches(branches), schema);
  return "any value";
}

export function describeEnum(values: readonly unknown[]): string {
  const listed = values.slice(0, MAX_LISTED).map((v) => JSON.stringify(v) ?? String(v));
  const more = values.length > MAX_LISTED ? `, ... (${values.length} values)` : "";
  return cap(`one of ${listed.join(", ")}${more}`);
}

export function describeBranches(branches: readonly Schema[]): string {
  return cap([...new Set(branches.map(describe))].join(" or "));
}

function orNull(text: string, schema: Schema): string {
  return schema.nullable === true ? `${text} or null` : text;
}

function cap(text: string): string {
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 3)}...` : text;
}
