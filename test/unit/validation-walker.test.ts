/**
 * The validator on schemas made for the purpose: the issues it lists (place, schema place, what was expected,
 * what came), recursive schemas, hostile nesting, names every object inherits, and the issue cap.
 */
import { describe, expect, it } from "vitest";
import { ValidationError, type ValidationIssue } from "../../src/core/errors.js";
import type { Schema } from "../../src/core/schema.js";
import { ResponseValidator } from "../../src/core/validation.js";
import { User } from "../../src/generated/schemas.js";

function issuesOf(schema: Schema, data: unknown): Omit<ValidationIssue, "operation" | "schema">[] {
  try {
    new ResponseValidator(undefined).check(schema, data, "strict", "test");
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map(({ path, schemaPath, expected, actual }) => ({ path, schemaPath, expected, actual }));
  }
}

/** A tree: { name, children: Tree[] }, referring to itself. */
function treeSchema(): Schema {
  const tree: { -readonly [K in keyof Schema]: Schema[K] } = { title: "Tree", type: "object", required: ["name"] };
  tree.properties = { name: { type: "string" }, children: { type: "array", items: tree } };
  return tree;
}

describe("issues", () => {
  it("a nullable value of the wrong type: what was expected says null was fine too", () => {
    const schema: Schema = { type: "object", properties: { n: { type: "integer", nullable: true } } };
    expect(issuesOf(schema, { n: null })).toEqual([]);
    expect(issuesOf(schema, { n: "1" })).toEqual([
      { path: "/n", schemaPath: "n", expected: "integer or null", actual: "string" },
    ]);
  });

  it("inside a nullable reference to a component, the mismatch is found where it is", () => {
    const bad = { id: "u", username: "u", email: "e", nickname: "", first_name: "", last_name: "", position: "" };
    const issues = issuesOf(User, {
      ...bad,
      delete_at: 0,
      auth_service: "",
      roles: "",
      locale: "en",
      timezone: { useAutomaticTimezone: true },
    });
    expect(issues).toEqual([
      {
        path: "/timezone/useAutomaticTimezone",
        schemaPath: "timezone.useAutomaticTimezone",
        expected: "string",
        actual: "boolean",
      },
    ]);
    expect(issuesOf(User, { ...bad, delete_at: 0, auth_service: "", roles: "", locale: "en", timezone: 3 })).toEqual([
      { path: "/timezone", schemaPath: "timezone", expected: "object or null", actual: "integer" },
    ]);
  });

  it("an enum names its values; a union names its branches, or looks inside the only one that fits", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        kind: { type: "string", enum: ["O", "I"] },
        either: { oneOf: [{ type: "string" }, { type: "integer" }] },
        link: {
          anyOf: [{ type: "string" }, { title: "Link", type: "object", properties: { url: { type: "string" } } }],
        },
      },
    };
    expect(issuesOf(schema, { kind: "X", either: true, link: { url: 1 } })).toEqual([
      { path: "/kind", schemaPath: "kind", expected: 'one of "O", "I"', actual: "string" },
      { path: "/either", schemaPath: "either", expected: "string or integer", actual: "boolean" },
      { path: "/link/url", schemaPath: "link.url", expected: "string", actual: "integer" },
    ]);
    expect(issuesOf(schema, { link: [] })).toEqual([
      { path: "/link", schemaPath: "link", expected: "string or Link", actual: "array" },
    ]);
  });

  it("maps and additional properties: keys are `*` in the schema path, and escaped in the pointer", () => {
    const schema: Schema = {
      type: "object",
      properties: {
        images: { type: "object", additionalProperties: { type: "object", additionalProperties: { type: "integer" } } },
        extra: { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "boolean" } },
      },
    };
    expect(issuesOf(schema, { images: { "a/b~c": { width: 1.5 } }, extra: { a: "x", b: true, c: 1 } })).toEqual([
      { path: "/images/a~1b~0c/width", schemaPath: "images.*.*", expected: "integer", actual: "number" },
      { path: "/extra/c", schemaPath: "extra.*", expected: "boolean", actual: "integer" },
    ]);
  });

  it("a required property whose schema takes anything must still be there", () => {
    const schema: Schema = { type: "object", properties: { payload: {} }, required: ["payload"] };
    expect(issuesOf(schema, { payload: null })).toEqual([]);
    expect(issuesOf(schema, {})).toEqual([
      { path: "/payload", schemaPath: "payload", expected: "required property", actual: "nothing" },
    ]);
  });

  it("names that every object inherits count only as the object's own properties", () => {
    const text: Schema = { type: "string" };
    const schema: Schema = {
      type: "object",
      properties: { constructor: text, toString: text },
      required: ["constructor"],
    };
    expect(issuesOf(schema, JSON.parse('{"constructor": "x"}'))).toEqual([]);
    expect(issuesOf(schema, {})).toEqual([
      { path: "/constructor", schemaPath: "constructor", expected: "required property", actual: "nothing" },
    ]);
    expect(issuesOf(schema, JSON.parse('{"constructor": "x", "toString": 1}'))).toEqual([
      { path: "/toString", schemaPath: "toString", expected: "string", actual: "integer" },
    ]);
  });

  it("stops at 25 issues in strict mode, however many there are", () => {
    const schema: Schema = { type: "array", items: { type: "string" } };
    const issues = issuesOf(
      schema,
      Array.from({ length: 10_000 }, (_, i) => i),
    );
    expect(issues).toHaveLength(25);
    expect(issues[24]).toEqual({ path: "/24", schemaPath: "[]", expected: "string", actual: "integer" });
  });
});

describe("recursive schemas", () => {
  it("check values at any depth", () => {
    const tree = treeSchema();
    const good = {
      name: "a",
      children: [
        { name: "b", children: [{ name: "c" }] },
        { name: "d", children: [] },
      ],
    };
    expect(issuesOf(tree, good)).toEqual([]);
    const bad = { name: "a", children: [{ name: "b", children: [{ name: "c" }, { children: [] }] }] };
    expect(issuesOf(tree, bad)).toEqual([
      {
        path: "/children/0/children/1/name",
        schemaPath: "children[].children[].name",
        expected: "required property",
        actual: "nothing",
      },
    ]);
  });

  it("data nested deeper than the stack allows is a mismatch, not a crash", () => {
    let deep: unknown = { name: "leaf" };
    for (let i = 0; i < 100_000; i++) deep = { name: "n", children: [deep] };
    const issues = issuesOf(treeSchema(), deep);
    expect(issues).toEqual([
      {
        path: "",
        schemaPath: "",
        expected: "a value nested less deeply (checking it ran out of stack)",
        actual: "object",
      },
    ]);
    const reported: ValidationIssue[] = [];
    new ResponseValidator((issue) => reported.push(issue)).check(treeSchema(), deep, "lenient", "test");
    expect(reported).toHaveLength(1);
  });
});

describe("hand-written schemas with keywords we do not model", () => {
  it("ignores what is not a schema instead of crashing", () => {
    const odd = {
      type: "object",
      properties: { a: true, b: null, c: { type: "array", items: "string" } },
      additionalProperties: false,
      allOf: "nope",
    } as unknown as Schema;
    expect(issuesOf(odd, { a: 1, b: 2, c: [1], d: 4 })).toEqual([]);
    expect(issuesOf(odd, { c: 1 })).toEqual([{ path: "/c", schemaPath: "c", expected: "array", actual: "integer" }]);
    expect(issuesOf({ type: "nonsense" } as unknown as Schema, 1)).toEqual([]);
  });
});
