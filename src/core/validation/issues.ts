/**
 * The detailed walk, run only after the fast check failed: every mismatch of a value against a schema, with where
 * it is in the data (a JSON pointer), where in the schema (map keys as `*`, array indices as `[]`), what the schema
 * expects and the JSON type of what came. Never the value itself: responses can hold secrets.
 */
import type { Schema } from "../schema.js";
import { ANY, fastCheck } from "./compile.js";
import { branchesOf, describeBranches, describeEnum, kindAdmits, ownKind } from "./shape.js";

export interface Mismatch {
  path: string;
  schemaPath: string;
  expected: string;
  actual: string;
}

interface Walk {
  readonly out: Mismatch[];
  readonly seen: Set<string>;
  readonly limit: number;
}

/** Up to `limit` mismatches of `value` against `schema`, in the order of the data; [] when it matches. */
export function listMismatches(schema: Schema, value: unknown, limit: number): Mismatch[] {
  const walk: Walk = { out: [], seen: new Set(), limit };
  visit(walk, schema, value, "", "", false);
  return walk.out;
}

function add(walk: Walk, path: string, schemaPath: string, expected: string, actual: string): void {
  if (walk.out.length >= walk.limit) return;
  // allOf parts often agree on a mismatch (both say "object" at the same place): list it once.
  const key = `${path}\u0000${expected}`;
  if (walk.seen.has(key)) return;
  walk.seen.add(key);
  walk.out.push({ path, schemaPath, expected, actual });
}

/** `orNull`: a nullable schema around this one (`{ nullable: true, allOf: [X] }`), so null was also fine. */
function visit(walk: Walk, schema: Schema, value: unknown, path: string, at: string, orNull: boolean): void {
  if (walk.out.length >= walk.limit || typeof schema !== "object" || schema === null) return;
  const nullable = orNull || schema.nullable === true;
  if (value === null && schema.nullable === true) return;
  const suffix = nullable ? " or null" : "";

  const kind = ownKind(schema);
  if (kind === "enum") {
    if (!(schema.enum as readonly unknown[]).includes(value)) {
      add(walk, path, at, describeEnum(schema.enum as readonly unknown[]) + suffix, jsonType(value));
    }
  } else if (!kindAdmits(kind, value)) {
    add(walk, path, at, kind + suffix, jsonType(value));
    return; // the rest of the schema describes a value of that type: nothing more to say about this one
  } else if (kind === "array" && schema.items) {
    const items = schema.items;
    const array = value as unknown[];
    for (let i = 0; i < array.length && walk.out.length < walk.limit; i++) {
      visit(walk, items, array[i], `${path}/${i}`, `${at}[]`, false);
    }
  } else if (kind === "object") {
    visitObject(walk, schema, value as Record<string, unknown>, path, at);
  }

  const parts = Array.isArray(schema.allOf) ? schema.allOf : [];
  for (const part of parts) visit(walk, part, value, path, at, nullable && parts.length === 1);
  for (const branches of branchesOf(schema)) visitBranches(walk, branches, value, path, at, suffix);
}

function visitObject(walk: Walk, schema: Schema, object: Record<string, unknown>, path: string, at: string): void {
  const properties = schema.properties && typeof schema.properties === "object" ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const prefix = at ? `${at}.` : "";
  for (const key of Object.keys(properties)) {
    if (walk.out.length >= walk.limit) return;
    const field = own(object, key);
    if (field !== undefined) visit(walk, properties[key], field, `${path}/${escapeKey(key)}`, prefix + key, false);
    // A required property may hold anything when its schema is `{}`, but it must be there.
    else if (required.has(key) && !(fastCheck(properties[key]) === ANY && Object.hasOwn(object, key))) {
      add(walk, `${path}/${escapeKey(key)}`, prefix + key, "required property", "nothing");
    }
  }
  const extra = schema.additionalProperties;
  if (!extra || typeof extra !== "object") return;
  for (const key in object) {
    if (walk.out.length >= walk.limit) return;
    if (!Object.hasOwn(properties, key))
      visit(walk, extra, object[key], `${path}/${escapeKey(key)}`, `${prefix}*`, false);
  }
}

/**
 * No branch matched. When only one branch admits a value of this JSON type, its own mismatches are the useful
 * answer; otherwise the issue names the branches.
 */
function visitBranches(
  walk: Walk,
  branches: readonly Schema[],
  value: unknown,
  path: string,
  at: string,
  suffix: string,
): void {
  if (branches.some((branch) => fastCheck(branch)(value))) return;
  const candidates = branches.filter((branch) => typeof branch === "object" && kindAdmits(ownKind(branch), value));
  if (candidates.length === 1) visit(walk, candidates[0], value, path, at, false);
  else add(walk, path, at, describeBranches(branches) + suffix, jsonType(value));
}

/** A property as the fast check reads it: own properties only for names that every object inherits. */
function own(object: Record<string, unknown>, key: string): unknown {
  return key in Object.prototype && !Object.hasOwn(object, key) ? undefined : object[key];
}

function escapeKey(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The JSON type of a value, as issues name it ("integer", "string", "nothing" for a missing value). */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value === undefined) return "nothing";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
