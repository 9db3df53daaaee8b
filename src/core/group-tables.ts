/**
 * The client's endpoint tables, parsed on first use. The generated tables (generated/groups/*.ts) and the schemas
 * they name (generated/client-schemas.ts) are JSON text: a string literal costs next to nothing when matterapi is
 * imported, where the same data as object literals took ~15 ms of every cold start. A group's table is parsed the
 * first time anything reads it (a client's first use of the group); the schemas once, with the first table (or
 * the first read of `schemas`).
 */
import { clientSchemas, componentNames } from "../generated/client-schemas.js";
import type { GroupTable } from "./group.js";
import type { Schema } from "./schema.js";

/** Every group's table, by name: a getter per group parses its text on first read and keeps the result. */
export function lazyTables<Name extends string>(
  texts: Readonly<Record<Name, string>>,
): Readonly<Record<Name, GroupTable>> {
  const tables = {} as Record<Name, GroupTable>;
  for (const name of Object.keys(texts) as Name[]) {
    Object.defineProperty(tables, name, {
      configurable: true,
      enumerable: true,
      get() {
        const table = parseTable(texts[name], name);
        Object.defineProperty(tables, name, { value: table, enumerable: true });
        return table;
      },
    });
  }
  return tables;
}

function parseTable(text: string, group: string): GroupTable {
  const table = JSON.parse(text) as Record<string, { schema?: unknown }>;
  for (const [method, entry] of Object.entries(table)) {
    if (typeof entry.schema === "string") entry.schema = schemaNamed(entry.schema, `${group}.${method}`);
  }
  return table as GroupTable;
}

/**
 * matterapi's `schemas`: every component's runtime schema by name (`schemas.User`), the very objects the client
 * validates with. One getter each, so that nothing is parsed before the first read.
 */
export const schemas = /*#__PURE__*/ lazySchemas(componentNames);

function lazySchemas<Name extends string>(names: readonly Name[]): Readonly<Record<Name, Schema>> {
  const out = {} as Record<Name, Schema>;
  for (const name of names) {
    Object.defineProperty(out, name, { enumerable: true, get: () => schemaNamed(name, "schemas") });
  }
  return out;
}

let parsed: Readonly<Record<string, Schema>> | undefined;

/** A schema of client-schemas.ts by name: one object per name, shared by every table that names it. */
function schemaNamed(name: string, user: string): Schema {
  parsed ??= parseSchemas(clientSchemas);
  const schema = parsed[name];
  if (!schema) throw new Error(`matterapi: ${user} names a response schema ${name} that client-schemas.ts lacks`);
  return schema;
}

/** Parses the schemas and puts each `{ "$ref": name }` marker's schema in its place. */
function parseSchemas(text: string): Record<string, Schema> {
  const named = JSON.parse(text) as Record<string, Schema>;
  const seen = new WeakSet<object>();
  const resolve = (node: unknown): unknown => {
    if (typeof node !== "object" || node === null) return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string" && Object.keys(node).length === 1) {
      const target = named[ref];
      if (!target) throw new Error(`matterapi: client-schemas.ts refers to a missing schema ${ref}`);
      return target;
    }
    if (seen.has(node)) return node;
    seen.add(node);
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = resolve(record[key]);
    return node;
  };
  for (const schema of Object.values(named)) resolve(schema);
  return named;
}
