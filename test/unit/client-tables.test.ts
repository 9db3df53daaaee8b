/**
 * The client's endpoint tables and schemas are JSON text parsed on first use (core/group-tables.ts); the same
 * schemas exist as object literals for matterapi/schemas and matterapi/operations. Both come from one walk in the
 * generator; these tests hold the two encodings to each other and check the laziness that makes import cheap.
 */
import { describe, expect, it } from "vitest";
import { schemas } from "../../src/core/group-tables.js";
import { componentSchemas } from "../../src/generated/client-schemas.js";
import { groupTables } from "../../src/generated/groups/index.js";
import { operations } from "../../src/generated/operations.js";
import * as R from "../../src/generated/response-schemas.js";
import * as S from "../../src/generated/schemas.js";

describe("the client's tables (JSON text) against the object-literal schemas", () => {
  // The object-literal schemas by name: components (schemas.ts) and inline responses (response-schemas.ts).
  const literal = new Map<string, unknown>(Object.entries({ ...S, ...R }));

  it("every component schema is the same, by name", () => {
    const names = Object.keys(componentSchemas) as (keyof typeof componentSchemas)[];
    expect([...names].sort()).toEqual(Object.keys(S).sort());
    for (const name of names) expect(schemas[name], name).toEqual(literal.get(name));
  });

  it("a schema named twice is one object, shared by the tables that name it", () => {
    expect(schemas.User).toBe(schemas.User);
    expect((groupTables.users.getUser as { schema: unknown }).schema).toBe(schemas.User);
    expect((groupTables.users.login as { schema: unknown }).schema).toBe(schemas.User);
  });

  it("every operation of the spec is in its group's table, with its method, path and response schema", async () => {
    let withSchema = 0;
    for (const op of operations) {
      const module = new URL(`../../src/generated/groups/${op.group}.ts`, import.meta.url).href;
      const text = (await import(/* @vite-ignore */ module))[`${op.group}Endpoints`] as string;
      const named = JSON.parse(text)[op.name] as { schema?: string };
      const entry = (groupTables as Record<string, Record<string, { schema?: unknown }>>)[op.group]?.[op.name];
      expect(entry, `${op.group}.${op.name}`).toMatchObject({ id: op.id, method: op.method, path: op.path });
      expect(entry?.schema === undefined, op.id).toBe(named.schema === undefined);
      if (named.schema === undefined) continue;
      withSchema++;
      expect(literal.has(named.schema), `${op.id} names ${named.schema}`).toBe(true);
      expect(entry?.schema, op.id).toEqual(literal.get(named.schema));
    }
    expect(withSchema).toBeGreaterThan(300);
  });

  it("a group's table is parsed on first read, once", () => {
    const descriptor = Object.getOwnPropertyDescriptor(groupTables, "webhooks");
    // Another test may have read it already; then it is a plain value.
    if (descriptor?.get) {
      const first = groupTables.webhooks;
      expect(Object.getOwnPropertyDescriptor(groupTables, "webhooks")?.value).toBe(first);
    }
    expect(groupTables.webhooks).toBe(groupTables.webhooks);
    expect(Object.keys(groupTables)).toContain("webhooks");
  });
});
