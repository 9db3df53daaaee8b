/**
 * The client's endpoint tables, parsed on first use. The generated tables (generated/groups/*.ts) and the schemas
 * they name (generated/client-schemas.ts, one text per schema) are JSON text: a string literal costs next to
 * nothing when matterapi is imported, where the same data as object literals took ~15 ms of every cold start. A
 * group's table is parsed the first time anything reads it (a client's first use of the group), with the schemas
 * it names and those they refer to, each once for the process.
 */
import { componentSchemas, responseSchemas } from "../generated/client-schemas.js";
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

type ComponentName = keyof typeof componentSchemas;

/**
 * matterapi's `schemas`: every component's runtime schema by name (`schemas.User`), the very objects the client
 * validates with. One getter each, so that nothing is parsed before the first read.
 */
export const schemas: Readonly<Record<ComponentName, Schema>> = /*#__PURE__*/ lazySchemas();

function lazySchemas(): Readonly<Record<ComponentName, Schema>> {
  const out = {} as Record<ComponentName, Schema>;
  for (const name of Object.keys(componentSchemas)) {
    Object.defineProperty(out, name, { enumerable: true, get: () => schemaNamed(name, "schemas") });
  }
  return out;
}

const parsed = new Map<string, Schema>();

/**
 * A schema of client-schemas.ts by name, parsed on first use with each `{ "$ref": name }` in it replaced by that
 * schema: one object per name, shared by every table and schema that names it.
 */
function schemaNamed(name: string, user: string): Schema {
  const done = parsed.get(name);
  if (done) return done;
  const text = Object.hasOwn(componentSchemas, name)
    ? componentSchemas[name as ComponentName]
    : Object.hasOwn(responseSchemas, name)
      ? responseSchemas[name]
      : undefined;
  if (text === undefined) throw new Error(`matterapi: ${user} names a schema ${name} that client-schemas.ts lacks`);
  const schema = JSON.parse(text) as Schema;
  // Kept before its references are followed, so that a schema that refers back to itself finds itself.
  parsed.set(name, schema);
  link(schema, name);
  return schema;
}

/** Puts each `{ "$ref": name }` marker under `node` in its schema's place. */
function link(node: unknown, owner: string): void {
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (typeof child !== "object" || child === null) continue;
    const ref = (child as { $ref?: unknown }).$ref;
    if (typeof ref === "string" && Object.keys(child).length === 1) record[key] = schemaNamed(ref, owner);
    else link(child, owner);
  }
}
