/**
 * Shapes that newer upstream specs use and that broke generation: own properties beside a oneOf/anyOf, a required
 * property without a type, a $ref to a schema the spec does not define. Each test generates a small spec into a
 * scratch folder and checks the result with the TypeScript compiler and the runtime validator, as a user sees it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { generate, writeFiles } from "../../generator/generate.js";
import type { Schema } from "../../src/core/schema.js";
import { ResponseValidator } from "../../src/core/validation.js";
import { ROOT } from "../helpers/spec.js";

/** Writes a spec (JSON is YAML) and an overlay into a new scratch folder; returns the spec's path. */
function scratchSpec(document: object, overlay = "fixes: []\n"): { spec: string; overlay: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "matterapi-newer-spec-"));
  writeFileSync(join(dir, "spec.yaml"), JSON.stringify(document, null, 2));
  writeFileSync(join(dir, "overlay.yaml"), overlay);
  return { spec: join(dir, "spec.yaml"), overlay: join(dir, "overlay.yaml"), dir };
}

const json = (schema: object) => ({ content: { "application/json": { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const spec = (paths: object, schemas: object = {}) => ({
  openapi: "3.0.0",
  info: { title: "newer", version: "1" },
  paths,
  components: { schemas },
});

/**
 * Type-checks `code` against the generated files, as a user's file beside them; returns the compiler's messages
 * about the generated files and that code (src/core is linked in, its own state is not this test's business).
 */
function typecheck(files: Map<string, string>, code: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "matterapi-newer-tsc-"));
  writeFiles(join(dir, "generated"), files);
  symlinkSync(join(ROOT, "src/core"), join(dir, "core"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  const check = join(dir, "generated/check.ts");
  writeFileSync(check, code);
  const program = ts.createProgram([check], {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules/@types")],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith(join(dir, "generated")))
    .map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${d.file?.fileName.slice(dir.length + 1)}:${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
}

/** The runtime schemas of a generated module (`export const X: Schema = {...};`, one a line, in dependency order). */
function runtimeSchemas(source: string, scope: Record<string, Schema> = {}): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [, name, literal] of source.matchAll(/^export const (\w+): Schema = (.*);$/gm)) {
    const names = [...Object.keys(scope), ...Object.keys(out)];
    const values = [...Object.values(scope), ...Object.values(out)];
    out[name] = new Function("S", ...names, `return (${literal});`)(scope, ...values);
  }
  return out;
}

/** The messages of a strict check, or [] when the data matches. */
function problems(schema: Schema, data: unknown): string[] {
  try {
    new ResponseValidator(undefined).check(schema, data, "strict", "test");
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

describe("own properties beside oneOf/anyOf", () => {
  const variants = [
    { type: "object", required: ["url"], properties: { url: { type: "string" } } },
    { type: "object", required: ["file_id"], properties: { file_id: { type: "string" } } },
  ];
  const { spec: path, overlay } = scratchSpec(
    spec(
      {
        "/api/v4/things": {
          post: {
            operationId: "CreateThing",
            tags: ["things"],
            requestBody: {
              required: true,
              ...json({
                type: "object",
                required: ["name"],
                properties: { name: { type: "string" } },
                oneOf: variants,
              }),
            },
            responses: { "200": { description: "ok", ...json(ref("Thing")) } },
          },
        },
      },
      {
        Thing: { type: "object", required: ["id"], properties: { id: { type: "string" } }, anyOf: [ref("Link")] },
        Link: variants[0],
      },
    ),
  );
  const result = generate(path, overlay);

  it("types the value as both: {own} & (A | B)", () => {
    const models = result.files.get("models/things.ts") ?? "";
    expect(models).toContain(
      "export type CreateThingBody = {\n  name: string;\n} & ({\n  url: string;\n} | {\n  file_id: string;\n});",
    );
    expect(models).toContain("export type Thing = {\n  id: string;\n} & Link;");
  });

  it("compiles, accepts a valid body and rejects one that misses either part", () => {
    const code = [
      'import type { Groups } from "./groups/index.js";',
      'import type { CreateThingBody, Thing } from "./models/index.js";',
      "declare const client: Groups;",
      'const withUrl: CreateThingBody = { name: "a", url: "https://x" };',
      'const withFile: CreateThingBody = { name: "a", file_id: "f" };',
      "client.things.createThing(withUrl);",
      "client.things.createThing(withFile);",
      "// @ts-expect-error the own property is required in every variant",
      'client.things.createThing({ url: "https://x" });',
      "// @ts-expect-error one of the variants is required",
      'client.things.createThing({ name: "a" });',
      'export const thing: Thing = { id: "t", url: "https://x" };',
    ].join("\n");
    expect(typecheck(result.files, code)).toEqual([]);
  }, 60_000);

  it("validates both at run time: the own properties and one of the branches", () => {
    const components = runtimeSchemas(result.files.get("schemas.ts") ?? "");
    const requests = runtimeSchemas(result.files.get("request-schemas.ts") ?? "", components);
    expect(problems(components.Thing, { id: "t", url: "https://x" })).toEqual([]);
    expect(problems(components.Thing, { url: "https://x" })).not.toEqual([]);
    expect(problems(components.Thing, { id: "t" })).not.toEqual([]);
    expect(problems(requests.CreateThingBody, { name: "a", file_id: "f" })).toEqual([]);
    expect(problems(requests.CreateThingBody, { file_id: "f" })).not.toEqual([]);
    expect(problems(requests.CreateThingBody, { name: "a" })).not.toEqual([]);
  });

  it("keeps plain objects and plain unions as they were", () => {
    const plain: Schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    const union: Schema = { oneOf: [{ type: "string" }, { type: "integer" }] };
    expect(problems(plain, { a: "x", extra: 1 })).toEqual([]);
    expect(problems(plain, {})).not.toEqual([]);
    expect(problems(union, 3)).toEqual([]);
    expect(problems(union, true)).not.toEqual([]);
    expect(problems({ nullable: true, allOf: [plain] }, null)).toEqual([]);
  });
});

describe("a required property without a type", () => {
  const { spec: path, overlay } = scratchSpec(
    spec({
      "/api/v4/notes": {
        post: {
          operationId: "CreateNote",
          tags: ["notes"],
          requestBody: {
            required: true,
            ...json({
              type: "object",
              required: ["title", "payload"],
              properties: { title: { type: "string" }, payload: { description: "Whatever the plugin accepts." } },
            }),
          },
          responses: { "204": { description: "done" } },
        },
      },
    }),
  );
  const result = generate(path, overlay);

  it("is `unknown` in the type and `{}` at run time: present, any value", () => {
    expect(result.files.get("models/notes.ts")).toContain("/** Whatever the plugin accepts. */\n  payload: unknown;");
    const requests = runtimeSchemas(result.files.get("request-schemas.ts") ?? "");
    expect(requests.CreateNoteBody).toEqual({
      type: "object",
      properties: { title: { type: "string" }, payload: {} },
      required: ["title", "payload"],
    });
    for (const payload of [1, "s", null, false, [1], { deep: { list: [] } }]) {
      expect(problems(requests.CreateNoteBody, { title: "t", payload }), JSON.stringify(payload)).toEqual([]);
    }
    expect(problems(requests.CreateNoteBody, { title: "t" })).not.toEqual([]);
  });

  it("compiles, and a call can send any value in it", () => {
    const code = [
      'import type { Groups } from "./groups/index.js";',
      "declare const client: Groups;",
      'client.notes.createNote({ title: "t", payload: 1 });',
      'client.notes.createNote({ title: "t", payload: "text" });',
      'client.notes.createNote({ title: "t", payload: null });',
      'client.notes.createNote({ title: "t", payload: { deep: [1, "two"] } });',
      "// @ts-expect-error the property is required, whatever its value",
      'client.notes.createNote({ title: "t" });',
    ].join("\n");
    expect(typecheck(result.files, code)).toEqual([]);
  }, 60_000);
});

describe("a $ref to a schema the spec does not define", () => {
  const document = spec(
    {
      "/api/v4/recaps": {
        get: {
          operationId: "GetRecaps",
          tags: ["recaps"],
          responses: { "200": { description: "ok", ...json({ type: "array", items: ref("Recap") }) } },
        },
      },
    },
    { ScheduledRecap: { type: "object", properties: { recap: ref("Recap"), view: ref("View") } } },
  );

  it("stops generation, naming each missing schema and every place that refers to it, with its line", () => {
    const { spec: path, overlay } = scratchSpec(document);
    const lines = JSON.stringify(document, null, 2).split("\n");
    const lineOf = (text: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
    const items = lineOf('"items"');
    const recap = lineOf('"recap"', lineOf('"ScheduledRecap"'));
    const view = lineOf('"view"', recap);
    expect(() => generate(path, overlay)).toThrow(
      "the spec refers to 2 schemas it does not define (Recap, View); a newer path file may need a newer " +
        "definitions.yaml, or the overlay a fix:\n" +
        `  spec.yaml:${items}: Recap, referenced from operation GET /api/v4/recaps (responses > 200 > content > ` +
        "application/json > schema > items)\n" +
        `  spec.yaml:${recap}: Recap, referenced from schema ScheduledRecap (properties > recap)\n` +
        `  spec.yaml:${view}: View, referenced from schema ScheduledRecap (properties > view)`,
    );
  });

  it("is checked after the overlay: a fix that supplies the schema lets generation go on", () => {
    const overlay = [
      "fixes:",
      "  - id: newer-schemas",
      "    reason: Defined only by a newer definitions.yaml.",
      "    merge:",
      "      at: [ components, schemas ]",
      "      value:",
      "        Recap: { type: object, properties: { id: { type: string } } }",
      "        View: { type: object }",
      "",
    ].join("\n");
    const scratch = scratchSpec(document, overlay);
    const result = generate(scratch.spec, scratch.overlay);
    expect(result.report.applied).toEqual(["newer-schemas"]);
    expect(result.files.get("models/recaps.ts")).toContain("export interface Recap {");
  });

  it("makes the command exit with 2 and write nothing", () => {
    const { spec: path, dir } = scratchSpec(document);
    const out = join(dir, "out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "generator/cli.ts", "--spec", path, "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^generate: the spec refers to 2 schemas it does not define \(Recap, View\)/m);
    expect(existsSync(out)).toBe(false);
  });
});
