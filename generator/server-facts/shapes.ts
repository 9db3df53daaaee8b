/**
 * Helpers of the reconciler (reconcile.ts) that read schemas and structs: where a model's own fields are, what it
 * inherits, what a struct writes, how two kinds compare, and which components answers can contain.
 */
import type { SchemaObject } from "../model.js";
import { refName } from "../model.js";
import type { GoField, GoStruct, WebappField } from "./facts.js";
import { kindOf } from "./go-schema.js";

/** The object that holds a schema's own properties (the inline part of an allOf), created if needed. */
export function ownPart(schema: SchemaObject): SchemaObject {
  if (Array.isArray(schema.allOf)) {
    let own = schema.allOf.find((s: SchemaObject) => !refName(s));
    if (!own) {
      own = { type: "object", properties: {} };
      schema.allOf.push(own);
    }
    own.properties ??= {};
    return own;
  }
  if (!schema.type && !schema.properties) schema.type = "object";
  schema.properties ??= {};
  return schema;
}

/** The components an allOf schema extends. */
export function extended(schema: SchemaObject): string[] {
  return (schema.allOf ?? []).map((part: SchemaObject) => refName(part)).filter((r: unknown): r is string => !!r);
}

/** The spec documented a field unless the reconciler added it (recorded as x-server-added, for a second pass). */
export function documented(before: SchemaObject | undefined, added: Set<string>, field: string): boolean {
  return before !== undefined && !added.has(field);
}

export function changed(before: SchemaObject | undefined, after: SchemaObject): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}

/** Fields an allOf schema takes from the components it extends (reconciled on their own). */
export function inheritedFields(schema: SchemaObject, components: Record<string, SchemaObject>): Set<string> {
  const out = new Set<string>();
  for (const part of schema.allOf ?? []) {
    const ref = refName(part);
    const target = ref ? components[ref] : undefined;
    if (!target) continue;
    for (const key of Object.keys(ownPart(structuredClone(target)).properties)) out.add(key);
    for (const key of inheritedFields(target, components)) out.add(key);
  }
  return out;
}

/** The fields a struct writes, embedded structs' promoted fields included (the outer field wins a name). */
export function flatten(struct: GoStruct, structs: Record<string, GoStruct>, depth = 0): GoField[] {
  const own = new Map(struct.fields.map((f) => [f.json, f]));
  if (depth < 5) {
    for (const embed of struct.embeds ?? []) {
      const inner = structs[embed.name];
      if (!inner) continue;
      for (const f of flatten(inner, structs, depth + 1)) if (!own.has(f.json)) own.set(f.json, f);
    }
  }
  return [...own.values()];
}

/** When the spec refers to component T where the struct has struct S, and T has no struct of its own, T is S. */
export function learnMapping(
  spec: SchemaObject,
  type: GoField["type"],
  components: Record<string, SchemaObject>,
  structOf: (schema: string) => string | undefined,
  bind: (schema: string, struct: string) => void,
): void {
  if (!spec || !type) return;
  const ref = refName(spec) ?? refName(spec.allOf?.[0]);
  if (ref && type.kind === "ref" && components[ref] && !structOf(ref)) bind(ref, type.name as string);
  else if (spec.type === "array" && type.kind === "array" && type.items)
    learnMapping(spec.items, type.items, components, structOf, bind);
  else if (spec.additionalProperties && type.kind === "map" && type.values)
    learnMapping(spec.additionalProperties, type.values, components, structOf, bind);
}

export function compatible(spec: string, server: string): boolean {
  if (server === "any" || spec === server) return true;
  if (spec === "number" && server === "integer") return true;
  // A documented object (inline or a component) where the struct has a map: the spec names the keys; keep it.
  if ((spec === "object" || spec.startsWith("ref:")) && server === "map") return true;
  const a = /^array<(.*)>$/.exec(spec);
  const b = /^array<(.*)>$/.exec(server);
  return a !== null && b !== null && compatible(a[1], b[1]);
}

export function coarseKind(kind: string): string {
  if (kind.startsWith("ref:") || kind === "map") return "object";
  if (kind.startsWith("array<")) return "array";
  return kind === "integer" ? "number" : kind;
}

export function coarse(field: WebappField): string {
  if (field.kind === "literal") return typeof field.values?.[0] === "number" ? "number" : "string";
  if (field.kind === "map") return "object";
  return field.kind;
}

export function describe(schema: SchemaObject, components: Record<string, SchemaObject>): string {
  const kind = kindOf(schema, components);
  return schema?.nullable ? `${kind} | null` : kind;
}

/** A response enum lists its values for the type only (`x-enum`): a newer server may send one we do not know. */
export function openEnum(spec: SchemaObject, server: SchemaObject): SchemaObject {
  const values = Array.isArray(spec.enum) ? spec.enum : undefined;
  if (!values) return server["x-enum"] && !spec["x-enum"] ? { ...spec, "x-enum": server["x-enum"] } : spec;
  const { enum: _, ...rest } = spec;
  const merged = [...new Set([...values, ...(server["x-enum"] ?? [])])];
  return { ...rest, "x-enum": merged };
}

/** The server's schema for a field, keeping the spec's description of it. */
export function withSpecDoc(server: SchemaObject, spec: SchemaObject): SchemaObject {
  return spec?.description ? { ...server, description: spec.description } : server;
}

/** A hidden field has no JSON name; compare its Go name with the spec's as words (AuthData ~ auth_data). */
export function looseName(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}

/** Components an answer can contain: those 2xx responses refer to, and everything they refer to in turn. */
export function responseRoots(document: SchemaObject): Set<string> {
  const components: Record<string, SchemaObject> = document.components?.schemas ?? {};
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const ref = refName(node);
    if (ref) {
      if (found.has(ref) || !components[ref]) return;
      found.add(ref);
      visit(components[ref]);
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  for (const item of Object.values<SchemaObject>(document.paths ?? {})) {
    for (const op of Object.values<SchemaObject>(item ?? {})) {
      for (const [status, response] of Object.entries<SchemaObject>(op?.responses ?? {})) {
        if (/^2\d\d$/.test(status)) visit(response?.content);
      }
    }
  }
  return found;
}
