/**
 * Response validation, our pydantic. Generated schemas are compiled on first use with TypeBox's TypeCompiler
 * (a checker function per schema, cached), so the happy path is one compiled check over data the client already
 * parsed. Only when that check fails are errors enumerated: thrown in `strict` mode, reported once per schema
 * path in `lenient` mode (the data is returned as received, unknown keys kept).
 *
 * TypeBox costs ~70 ms to import, so it is loaded on the first request, in parallel with the request itself,
 * not when matterapi is imported.
 */
import type { TSchema } from "@sinclair/typebox";
import type { TypeCheck } from "@sinclair/typebox/compiler";
import { ValidationError, type ValidationIssue } from "./errors.js";
import type { Schema } from "./schema.js";

export type ValidationMode = "lenient" | "strict" | "off";

export const VALIDATION_MODES: readonly ValidationMode[] = ["lenient", "strict", "off"];

type TypeBox = typeof import("@sinclair/typebox");
type Compiler = typeof import("@sinclair/typebox/compiler");

interface Libraries {
  Type: TypeBox["Type"];
  Kind: TypeBox["Kind"];
  TypeRegistry: TypeBox["TypeRegistry"];
  TypeCompiler: Compiler["TypeCompiler"];
}

let libraries: Libraries | undefined;
let loading: Promise<void> | undefined;

/** Starts loading the schema compiler (once); resolves when it is ready. */
export function loadValidator(): Promise<void> {
  loading ??= Promise.all([import("@sinclair/typebox"), import("@sinclair/typebox/compiler")]).then(
    ([typebox, compiler]) => provideValidator(typebox, compiler),
  );
  return loading;
}

/** Hands the compiler in when it was loaded another way (the SyncClient requires it synchronously). */
export function provideValidator(typebox: TypeBox, compiler: Compiler): void {
  if (libraries) return;
  libraries = {
    Type: typebox.Type,
    Kind: typebox.Kind,
    TypeRegistry: typebox.TypeRegistry,
    TypeCompiler: compiler.TypeCompiler,
  };
  registerMapKind(libraries);
}

export function validatorLoaded(): boolean {
  return libraries !== undefined;
}

/**
 * A map (an object with only additionalProperties, such as PostList.posts) checked by a loop over its keys. The
 * TypeBox equivalent (Record) builds Object.entries and tests a pattern per key; on a 200-post list that is a
 * quarter of the client's CPU. Used for the check that runs on every answer; errors come from the Record form.
 */
const MAP_KIND = "MatterapiMap";
const mapCheckers = new WeakMap<TSchema, TypeCheck<TSchema>>();

function registerMapKind(libs: Libraries): void {
  libs.TypeRegistry.Set<{ values: TSchema }>(MAP_KIND, (schema, value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    let check = mapCheckers.get(schema.values);
    if (!check) {
      check = libs.TypeCompiler.Compile(schema.values);
      mapCheckers.set(schema.values, check);
    }
    for (const key in value) if (!check.Check((value as Record<string, unknown>)[key])) return false;
    return true;
  });
}

/** Each schema compiled twice, lazily: a fast form for the check, a detailed one to list errors. */
const compiled = {
  fast: new WeakMap<Schema, TypeCheck<TSchema>>(),
  detailed: new WeakMap<Schema, TypeCheck<TSchema>>(),
};

function checkerFor(schema: Schema, form: "fast" | "detailed"): TypeCheck<TSchema> {
  let check = compiled[form].get(schema);
  if (!check) {
    if (!libraries) throw new Error("matterapi: validator used before loadValidator() resolved");
    check = libraries.TypeCompiler.Compile(toTypeBox(schema, libraries, new Map(), form === "fast"));
    compiled[form].set(schema, check);
  }
  return check;
}

/** Our schema language to TypeBox; shared sub-schemas (components) are converted once per compile. */
function toTypeBox(schema: Schema, libs: Libraries, seen: Map<Schema, TSchema>, fast: boolean): TSchema {
  const cached = seen.get(schema);
  if (cached) return cached;
  const { Type } = libs;
  const convert = (s: Schema) => toTypeBox(s, libs, seen, fast);
  // A value must match each of allOf, one of oneOf/anyOf, and the schema's own type and properties beside them
  // (a body with its own properties plus a oneOf of variants is both). A plain schema has only its own part.
  const parts: TSchema[] = schema.allOf?.length ? schema.allOf.map(convert) : [];
  const branches = schema.oneOf?.length ? schema.oneOf : schema.anyOf;
  if (branches?.length) parts.push(Type.Union(branches.map(convert)));
  if (parts.length === 0 || hasOwnShape(schema)) parts.unshift(ownType(schema, libs, convert, fast));
  let result = parts.length === 1 ? parts[0] : Type.Intersect(parts);
  if (schema.nullable) result = Type.Union([result, Type.Null()]);
  seen.set(schema, result);
  return result;
}

function hasOwnShape(schema: Schema): boolean {
  return Boolean(schema.type || schema.enum?.length || schema.properties || schema.additionalProperties);
}

/** The schema's own type, enum or object shape, ignoring allOf/oneOf/anyOf. */
function ownType(schema: Schema, libs: Libraries, convert: (s: Schema) => TSchema, fast: boolean): TSchema {
  const { Type } = libs;
  let result: TSchema;
  if (schema.enum?.length) {
    result = Type.Union(schema.enum.map((v) => Type.Literal(v as string | number | boolean)));
  } else {
    switch (schema.type) {
      case "string":
        result = Type.String();
        break;
      case "integer":
        result = Type.Integer();
        break;
      case "number":
        result = Type.Number();
        break;
      case "boolean":
        result = Type.Boolean();
        break;
      case "array":
        result = Type.Array(schema.items ? convert(schema.items) : Type.Unknown());
        break;
      case "object": {
        const required = new Set(schema.required ?? []);
        const properties = Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([key, value]) => {
            const type = convert(value);
            return [key, required.has(key) ? type : Type.Optional(type)];
          }),
        );
        const extra = schema.additionalProperties;
        // A pure map compiles as a Record: TypeBox's code for nested `additionalProperties` reuses one loop
        // variable name and checks the wrong keys (a map inside a map, like PostList.posts.*.metadata.images).
        if (extra && Object.keys(properties).length === 0) {
          result = fast
            ? ({ [libs.Kind]: MAP_KIND, type: "object", values: convert(extra) } as unknown as TSchema)
            : Type.Record(Type.String(), convert(extra));
        } else if (extra) result = Type.Object(properties, { additionalProperties: convert(extra) });
        else result = Type.Object(properties);
        break;
      }
      default:
        result = Type.Unknown();
    }
  }
  return result;
}

export type IssueHandler = (issue: ValidationIssue) => void;

/** Checks responses for one client: remembers which mismatches it already reported. */
export class ResponseValidator {
  private readonly reported = new Set<string>();

  constructor(private readonly onIssue: IssueHandler | undefined) {}

  /** Throws ValidationError in strict mode; reports new mismatches in lenient mode. Requires loadValidator(). */
  check(schema: Schema, data: unknown, mode: ValidationMode, operation: string): void {
    if (mode === "off") return;
    if (checkerFor(schema, "fast").Check(data)) return;
    const issues = collectIssues(checkerFor(schema, "detailed"), schema, data, operation, mode === "strict" ? 25 : 50);
    if (mode === "strict") throw new ValidationError(issues);
    for (const issue of issues) this.report(issue);
  }

  /** Hands an issue to the hook unless this operation already reported one at the same schema path. */
  report(issue: ValidationIssue): void {
    if (!this.onIssue) return;
    const key = `${issue.operation}\u0000${issue.schemaPath}\u0000${issue.expected}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    try {
      this.onIssue(issue);
    } catch {
      // A failing hook must not turn a good response into an error.
    }
  }
}

function collectIssues(
  checker: TypeCheck<TSchema>,
  schema: Schema,
  data: unknown,
  operation: string,
  limit: number,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const missing = new Set<string>();
  for (const error of checker.Errors(data)) {
    // A missing property also fails its type check: report it once, as missing.
    if (missing.has(error.path)) continue;
    if (error.value === undefined) missing.add(error.path);
    issues.push({
      operation,
      schema: schema.title ?? describeSchema(schema),
      path: error.path,
      schemaPath: schemaPath(schema, error.path),
      expected: error.message.replace(/^Expected /, ""),
      actual: jsonType(error.value),
    });
    if (issues.length >= limit) break;
  }
  if (issues.length === 0) {
    issues.push({
      operation,
      schema: schema.title ?? describeSchema(schema),
      path: "",
      schemaPath: "",
      expected: "a value matching the schema",
      actual: jsonType(data),
    });
  }
  return issues;
}

function describeSchema(schema: Schema): string {
  if (schema.type === "array" && schema.items?.title) return `${schema.items.title}[]`;
  return schema.type ?? "schema";
}

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value === undefined) return "nothing";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * The schema-side path of a JSON pointer into the data: map keys become `*` and array indices `[]`, so that a
 * mismatch in every post of a PostList is one issue, not one per post.
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
  if (schema.properties && segment in schema.properties) return { label: segment, schema: schema.properties[segment] };
  if (schema.additionalProperties) return { label: "*", schema: schema.additionalProperties };
  if (schema.type === "object" && !schema.properties) return { label: "*", schema: undefined };
  return { label: segment, schema: undefined };
}
