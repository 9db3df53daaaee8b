/**
 * One OpenAPI schema, two outputs: a TypeScript type (what the compiler checks) and a compact runtime schema
 * literal (what the client validates responses against). Both come from the same walk so they cannot disagree.
 */
import type { SchemaObject } from "./model.js";
import { refName } from "./model.js";
import { propertyKey } from "./names.js";

export interface TypeContext {
  /** "request" types accept uploads where the spec says binary; "response" types never see binary. */
  direction: "request" | "response";
  /** Component names this type refers to (filled in while emitting). */
  refs: Set<string>;
  /** How a component name is written in the output (e.g. a namespace prefix). */
  refType: (name: string) => string;
  /** In a multipart body a binary field takes one upload, a list, or a { filename: content } record. */
  multipart?: boolean;
  /** Core types (Uploadable, Uploads) the type uses, filled in while emitting. */
  core?: Set<string>;
  /** The component schemas, to tell models that follow a server struct (see requestView). */
  components?: Record<string, SchemaObject>;
}

const INDENT = "  ";

/** A TS type for a schema. `depth` is the indentation of the line the type starts on. */
export function tsType(schema: SchemaObject, ctx: TypeContext, depth = 0): string {
  const base = baseType(schema, ctx, depth);
  return schema?.nullable === true && base !== "unknown" ? `${wrapUnion(base)} | null` : base;
}

function baseType(schema: SchemaObject, ctx: TypeContext, depth: number): string {
  if (!schema || typeof schema !== "object") return "unknown";
  const ref = refName(schema);
  if (ref) {
    ctx.refs.add(ref);
    return ctx.direction === "request" ? requestView(ref, ctx) : ctx.refType(ref);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const parts = schema.allOf.map((s: SchemaObject) => wrapUnion(tsType(s, ctx, depth)));
    const own = objectType(schema, ctx, depth);
    return [...parts, ...(own === "Record<string, unknown>" ? [] : [own])].join(" & ");
  }
  const union = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(union) && union.length > 0) {
    const branches = [...new Set(union.map((s: SchemaObject) => tsType(s, ctx, depth)))];
    // Own properties beside the branches hold in every branch: the value is both (`{...} & (A | B)`).
    const own = schema.type === undefined || schema.type === "object" ? objectType(schema, ctx, depth) : "";
    if (own === "" || own === "Record<string, unknown>") return branches.join(" | ");
    if (branches.includes("unknown")) return own;
    return `${own} & ${branches.length === 1 ? wrapUnion(branches[0]) : `(${branches.join(" | ")})`}`;
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  }
  // An open enum (server facts): the known values, and any other of the type, since a newer server may add one.
  const open = schema["x-enum"];
  if (Array.isArray(open) && open.length > 0 && (schema.type === "string" || schema.type === "integer")) {
    const other = schema.type === "string" ? "(string & {})" : "(number & {})";
    return [...open.map((v: unknown) => JSON.stringify(v)), other].join(" | ");
  }
  switch (schema.type) {
    case "string":
      if (schema.format !== "binary") return "string";
      if (ctx.direction === "response") return "Uint8Array";
      return useCore(ctx, ctx.multipart ? "Uploads" : "Uploadable");
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      if (ctx.multipart && schema.items?.format === "binary") return useCore(ctx, "Uploads");
      return `${wrapUnion(tsType(schema.items, ctx, depth))}[]`;
    case "object":
      return objectType(schema, ctx, depth);
    default:
      return schema.properties ? objectType(schema, ctx, depth) : "unknown";
  }
}

/**
 * A model that follows the server's struct requires every field the server always sends; a request that carries it
 * needs only what the spec requires of a request (kept as `x-request-required` when the facts were applied).
 */
function requestView(ref: string, ctx: TypeContext): string {
  const name = ctx.refType(ref);
  const component = ctx.components?.[ref];
  if (!component?.["x-server-struct"]) return name;
  const keys: string[] = (component["x-request-required"] ?? []).map((k: string) => JSON.stringify(k));
  return keys.length > 0 ? `Partial<${name}> & Pick<${name}, ${keys.join(" | ")}>` : `Partial<${name}>`;
}

function useCore(ctx: TypeContext, name: string): string {
  ctx.core?.add(name);
  return name;
}

function objectType(schema: SchemaObject, ctx: TypeContext, depth: number): string {
  const props = Object.entries<SchemaObject>(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (props.length === 0) {
    if (extra && typeof extra === "object") return `Record<string, ${tsType(extra, ctx, depth)}>`;
    return "Record<string, unknown>";
  }
  const required = new Set<string>(schema.required ?? []);
  const pad = INDENT.repeat(depth + 1);
  const lines = props.map(([key, prop]) => {
    const deprecated = /^\s*deprecated\b/i.test(prop?.description ?? "") || prop?.deprecated === true;
    const doc = docComment(prop?.description, pad, deprecated ? ["@deprecated"] : []);
    const optional = required.has(key) ? "" : "?";
    let type = tsType(prop, ctx, depth + 1);
    // A multipart form may repeat a text field (client_ids: one per file).
    if (ctx.multipart && depth === 0 && ["string", "integer", "number", "boolean"].includes(type))
      type = `${type} | ${type}[]`;
    // A request's optional field also takes undefined (left out when sent), for exactOptionalPropertyTypes users.
    if (optional && ctx.direction === "request" && type !== "unknown") type = `${type} | undefined`;
    return `${doc}${pad}${propertyKey(key)}${optional}: ${type};`;
  });
  if (extra) lines.push(`${pad}[key: string]: unknown;`);
  return `{\n${lines.join("\n")}\n${INDENT.repeat(depth)}}`;
}

function wrapUnion(type: string): string {
  return /^[^{]*\|/.test(type) || type.includes(" & ") ? `(${type})` : type;
}

/** A JSDoc block (or nothing) for a description, safe to embed. */
export function docComment(text: string | undefined, pad: string, tags: string[] = []): string {
  const lines = [...cleanDoc(text), ...(tags.length > 0 && text ? [""] : []), ...tags];
  if (lines.length === 0) return "";
  if (lines.length === 1) return `${pad}/** ${lines[0]} */\n`;
  return `${pad}/**\n${lines.map((l) => (l ? `${pad} * ${l}` : `${pad} *`)).join("\n")}\n${pad} */\n`;
}

export function cleanDoc(text: string | undefined): string[] {
  if (!text) return [];
  const lines = String(text)
    .replace(/\*\//g, "*\\/")
    .replace(/\r/g, "")
    .split("\n")
    .map((l) => l.trimEnd());
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  // Collapse runs of blank lines that the spec's folded YAML leaves behind.
  return lines.filter((l, i) => l.trim() !== "" || (i > 0 && lines[i - 1].trim() !== ""));
}

/** A runtime schema as data: plain values, with a reference to a component as `{ $ref: name }`. */
export type RuntimeNode = { [key: string]: unknown };

/**
 * The runtime schema as data: the validation-relevant keywords only (no descriptions or examples). Each $ref
 * becomes what `ref` makes of the component's name (by default a `{ $ref: name }` marker), so that one walk feeds
 * both outputs: source (printSchema: each marker a reference to the component's constant, so that shared
 * schemas are shared objects at run time) and JSON text (the client's tables, parsed on first use).
 */
export function runtimeNode(
  schema: SchemaObject,
  ref: (name: string) => RuntimeNode = (name) => ({ $ref: name }),
  refs?: Set<string>,
): RuntimeNode {
  if (!schema || typeof schema !== "object") return {};
  const name = refName(schema);
  if (name) {
    refs?.add(name);
    return schema.nullable === true ? { nullable: true, allOf: [ref(name)] } : ref(name);
  }
  const walk = (inner: SchemaObject) => runtimeNode(inner, ref, refs);
  const out: RuntimeNode = {};
  const type = effectiveType(schema);
  if (type) out.type = type;
  if (schema.nullable === true) out.nullable = true;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) out.enum = schema.enum;
  if (type === "array") out.items = walk(schema.items);
  if (schema.properties && typeof schema.properties === "object") {
    out.properties = Object.fromEntries(
      Object.entries<SchemaObject>(schema.properties).map(([key, value]) => [key, walk(value)]),
    );
    const required = (schema.required ?? []).filter((r: string) => r in schema.properties);
    if (required.length > 0) out.required = required;
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.additionalProperties = walk(schema.additionalProperties);
  }
  for (const key of ["allOf", "oneOf", "anyOf"]) {
    if (Array.isArray(schema[key]) && schema[key].length > 0) out[key] = schema[key].map(walk);
  }
  return out;
}

/** A runtime node as a TypeScript object literal; `refExpr` writes each `{ $ref: name }` marker. */
export function printSchema(node: RuntimeNode, refExpr: (name: string) => string): string {
  if (typeof node.$ref === "string" && Object.keys(node).length === 1) return refExpr(node.$ref);
  const print = (inner: unknown) => printSchema(inner as RuntimeNode, refExpr);
  const out = Object.entries(node).map(([key, value]) => {
    if (key === "properties") {
      const props = Object.entries(value as RuntimeNode).map(([k, v]) => `${JSON.stringify(k)}: ${print(v)}`);
      return `${key}: { ${props.join(", ")} }`;
    }
    if (key === "items" || key === "additionalProperties") return `${key}: ${print(value)}`;
    if (key === "allOf" || key === "oneOf" || key === "anyOf") {
      return `${key}: [${(value as unknown[]).map(print).join(", ")}]`;
    }
    return `${key}: ${JSON.stringify(value)}`;
  });
  return out.length > 0 ? `{ ${out.join(", ")} }` : "{}";
}

/** The runtime schema as a TypeScript object literal (runtimeNode, then printSchema). */
export function runtimeSchema(schema: SchemaObject, refExpr: (name: string) => string, refs?: Set<string>): string {
  return printSchema(runtimeNode(schema, undefined, refs), refExpr);
}

function effectiveType(schema: SchemaObject): string | undefined {
  if (typeof schema.type === "string") {
    // A string with format binary in a JSON document is a contradiction; validate nothing about it.
    if (schema.type === "string" && schema.format === "binary") return undefined;
    return schema.type;
  }
  return schema.properties ? "object" : undefined;
}

/** Component names a schema refers to directly. */
export function directRefs(schema: SchemaObject, into = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== "object") return into;
  const ref = refName(schema);
  if (ref) into.add(ref);
  for (const [key, value] of Object.entries(schema)) {
    if (key !== "$ref" && value && typeof value === "object") directRefs(value, into);
  }
  return into;
}
