/**
 * The closure validator against a reference: the same schemas read the way matterapi read them with TypeBox
 * before (each schema converted to TypeBox types, maps as Records), checked with TypeBox's interpreter
 * (Value.Check). For every generated schema, on a sample built from the schema, on the server fixtures and on
 * mutated copies of both (a property removed, a value of every other JSON type, null, unknown keys), the two must
 * agree, and the issue walker must list a mismatch exactly when the check fails.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { describe, expect, it } from "vitest";
import type { Endpoint } from "../../src/core/client-core.js";
import type { GroupTable } from "../../src/core/group.js";
import type { Schema } from "../../src/core/schema.js";
import { fastCheck } from "../../src/core/validation/compile.js";
import { listMismatches } from "../../src/core/validation/issues.js";
import { groupTables } from "../../src/generated/groups/index.js";
import * as requestSchemas from "../../src/generated/request-schemas.js";
import * as responseSchemas from "../../src/generated/response-schemas.js";
import * as componentSchemas from "../../src/generated/schemas.js";
import { ROOT } from "../helpers/spec.js";

/** The previous validator's reading of a schema (validation.ts before it dropped TypeBox), detailed form. */
function reference(schema: Schema, seen = new Map<Schema, TSchema>()): TSchema {
  const cached = seen.get(schema);
  if (cached) return cached;
  const convert = (s: Schema) => reference(s, seen);
  const parts: TSchema[] = schema.allOf?.length ? schema.allOf.map(convert) : [];
  const branches = schema.oneOf?.length ? schema.oneOf : schema.anyOf;
  if (branches?.length) parts.push(Type.Union(branches.map(convert)));
  const ownShape = Boolean(schema.type || schema.enum?.length || schema.properties || schema.additionalProperties);
  if (parts.length === 0 || ownShape) parts.unshift(referenceOwn(schema, convert));
  let result = parts.length === 1 ? parts[0] : Type.Intersect(parts);
  if (schema.nullable) result = Type.Union([result, Type.Null()]);
  seen.set(schema, result);
  return result;
}

function referenceOwn(schema: Schema, convert: (s: Schema) => TSchema): TSchema {
  if (schema.enum?.length) return Type.Union(schema.enum.map((v) => Type.Literal(v as string | number | boolean)));
  switch (schema.type) {
    case "string":
      return Type.String();
    case "integer":
      return Type.Integer();
    case "number":
      return Type.Number();
    case "boolean":
      return Type.Boolean();
    case "array":
      return Type.Array(schema.items ? convert(schema.items) : Type.Unknown());
    case "object": {
      const required = new Set(schema.required ?? []);
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => {
          const type = convert(value);
          return [key, required.has(key) ? type : Type.Optional(type)];
        }),
      );
      const extra = schema.additionalProperties;
      if (extra && Object.keys(properties).length === 0) return Type.Record(Type.String(), convert(extra));
      if (extra) return Type.Object(properties, { additionalProperties: convert(extra) });
      return Type.Object(properties);
    }
    default:
      return Type.Unknown();
  }
}

/** A value that matches the schema, every property filled while not too deep. */
function valid(schema: Schema, depth = 0): unknown {
  if (schema.enum?.length) return schema.enum[0];
  const branches = schema.oneOf?.length ? schema.oneOf : schema.anyOf;
  const pieces = [...(schema.allOf ?? []), ...(branches?.length ? [branches[0]] : [])].map((s) => valid(s, depth));
  const own = validOwn(schema, depth);
  if (pieces.length === 0) return own;
  if (own !== undefined && (typeof own !== "object" || own === null || Array.isArray(own))) return own;
  return Object.assign({}, own, ...pieces.filter((p) => typeof p === "object" && p !== null && !Array.isArray(p)));
}

function validOwn(schema: Schema, depth: number): unknown {
  switch (schema.type) {
    case "string":
      return "text";
    case "integer":
      return 7;
    case "number":
      return 2.5;
    case "boolean":
      return true;
    case "array":
      return schema.items && depth < 8 ? [valid(schema.items, depth + 1), valid(schema.items, depth + 1)] : [];
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        if (depth < 8 || required.has(key)) out[key] = valid(value, depth + 1);
      }
      if (schema.additionalProperties && depth < 8) out.some_key = valid(schema.additionalProperties, depth + 1);
      return out;
    }
    default:
      return schema.allOf || schema.oneOf || schema.anyOf ? undefined : { anything: [1, "two"] };
  }
}

const REPLACEMENTS: unknown[] = [null, "text", 7, 2.5, true, [], {}, ["text"], { extra: 1 }];

/** Copies of `value` with one change each, at every place (a budget per value keeps the run short). */
function mutations(value: unknown, budget: number): unknown[] {
  const out: unknown[] = [];
  const places: (string | number)[][] = [];
  const collect = (node: unknown, path: (string | number)[]) => {
    places.push(path);
    if (Array.isArray(node)) for (let i = 0; i < Math.min(3, node.length); i++) collect(node[i], [...path, i]);
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) collect(v, [...path, k]);
  };
  collect(value, []);
  const stride = Math.max(1, Math.floor((places.length * (REPLACEMENTS.length + 2)) / budget));
  let n = 0;
  for (const path of places) {
    const edits: ((parent: Record<string | number, unknown>, key: string | number) => void)[] = [
      ...REPLACEMENTS.map((r) => (parent: Record<string | number, unknown>, key: string | number) => {
        parent[key] = structuredClone(r);
      }),
      (parent, key) => {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      },
      (parent, key) => {
        const target = parent[key];
        if (target && typeof target === "object" && !Array.isArray(target)) {
          (target as Record<string, unknown>).unknown_key = { nested: [1] };
        } else if (Array.isArray(target)) target.push("stray");
      },
    ];
    for (const edit of edits) {
      if (n++ % stride !== 0) continue;
      if (path.length === 0) {
        const holder: Record<string, unknown> = { root: structuredClone(value) };
        edit(holder, "root");
        if ("root" in holder) out.push(holder.root);
        continue;
      }
      const copy = structuredClone(value) as Record<string | number, unknown>;
      let parent = copy;
      for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
      edit(parent, path[path.length - 1]);
      out.push(copy);
    }
  }
  return out;
}

interface Case {
  name: string;
  schema: Schema;
  values: unknown[];
}

function endpointOf(operation: string): Endpoint | undefined {
  const [group, method] = operation.split(".");
  const entry = (groupTables as Record<string, GroupTable>)[group]?.[method];
  return entry && !("iterate" in entry) ? entry : undefined;
}

const FIXTURES = join(ROOT, "test/fixtures/server");
const fixtureCases: Case[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith(".json"))
  .map((file) => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
    const schema = endpointOf(fixture.operation)?.schema as Schema | undefined;
    return { name: `fixture ${file}`, schema, values: [fixture.body, ...mutations(fixture.body, 150)] };
  })
  .filter((c): c is Case => c.schema !== undefined);

const schemaCases: Case[] = [
  ...Object.entries(componentSchemas as Record<string, Schema>),
  ...Object.entries(requestSchemas as Record<string, Schema>),
  ...Object.entries(responseSchemas as Record<string, Schema>),
].map(([name, schema]) => {
  const sample = valid(schema);
  return { name, schema, values: [sample, ...mutations(sample, 40)] };
});

function compare(cases: Case[]): { total: number; passed: number; disagreements: string[] } {
  let total = 0;
  let passed = 0;
  const disagreements: string[] = [];
  for (const { name, schema, values } of cases) {
    const check = fastCheck(schema);
    const typebox = reference(schema);
    for (const value of values) {
      total++;
      const ours = check(value);
      const theirs = Value.Check(typebox, value);
      const listed = listMismatches(schema, value, 50);
      if (ours) passed++;
      if (ours !== theirs) disagreements.push(`${name}: ours ${ours}, TypeBox ${theirs}: ${JSON.stringify(value)}`);
      if (ours !== (listed.length === 0)) {
        disagreements.push(`${name}: check ${ours} but ${listed.length} mismatches listed: ${JSON.stringify(value)}`);
      }
    }
  }
  return { total, passed, disagreements };
}

describe("the closure validator agrees with the TypeBox reading of the same schemas", () => {
  it("on a sample of every generated schema (components, request and response schemas) and mutated copies", () => {
    const { total, passed, disagreements } = compare(schemaCases);
    expect(schemaCases.length).toBeGreaterThan(450);
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(total).toBeGreaterThan(5000);
    // Both outcomes are well represented: the mutations are not all harmless, nor all fatal.
    expect(passed).toBeGreaterThan(total / 10);
    expect(total - passed).toBeGreaterThan(total / 4);
  });

  it("on the server fixtures (real answers) and mutated copies", () => {
    const { total, passed, disagreements } = compare(fixtureCases);
    expect(fixtureCases.length).toBeGreaterThan(30);
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(total).toBeGreaterThan(3000);
    expect(passed).toBeGreaterThan(fixtureCases.length);
    expect(total - passed).toBeGreaterThan(total / 4);
  });
});
