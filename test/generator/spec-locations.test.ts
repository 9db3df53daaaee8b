/**
 * Warnings and overlay reports name the file and line a place of the spec is written at. The assembled spec is a
 * concatenation of the files in source/ (in the order upstream's Makefile gives), so a line of it is named as
 * `source/<file>.yaml:<line>` when the concatenation reproduces it, and as a line of the spec itself otherwise.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import { loadSpec } from "../../generator/load-spec.js";
import { makefileOrder } from "../../generator/source-map.js";
import { SPEC_PATH, specAvailable } from "../helpers/spec.js";

const SOURCES: [string, string][] = [
  ["introduction.yaml", "openapi: 3.0.0\ninfo:\n  title: t\n  version: '1'\npaths:\n"],
  [
    "things.yaml",
    [
      "  /api/v4/things/{thing_id}:",
      "    get:",
      "      tags: [things]",
      "      responses:",
      '        "204":',
      "          description: done",
      "  /api/v4/twice:",
      "    get: { operationId: First, responses: { '204': { description: done } } }",
      "",
    ].join("\n"),
  ],
  ["more.yaml", "  /api/v4/twice:\n    get: { operationId: Second, responses: { '204': { description: done } } }\n"],
  [
    "definitions.yaml",
    "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id: { type: string }\n",
  ],
];

const MAKEFILE = [
  "build-v4: node_modules playbooks",
  "\t@if [ -r x ]; then cat x > $(V4_YAML); else cat $(V4_SRC)/introduction.yaml > $(V4_YAML); fi",
  ...SOURCES.slice(1, -1).map(([name]) => `\t@cat $(V4_SRC)/${name} >> $(V4_YAML)`),
  "\t@if [ -r y ]; then cat y >> $(V4_YAML); else cat $(V4_SRC)/definitions.yaml >> $(V4_YAML); fi",
  "playbooks:",
  "\tcd playbooks && node merge-definitions.js $(V4_SRC)/definitions.yaml",
  "",
].join("\n");

const OVERLAY = [
  "fixes:",
  "  - id: thing-type",
  "    reason: A set onto a value it does not expect.",
  "    schema: Thing",
  "    set: { at: [ properties, id ], value: { type: integer } }",
  "  - id: gone-operation",
  "    reason: Upstream removed the operation.",
  '    op: "GET /api/v4/gone"',
  "    remove: [ deprecated ]",
  "",
].join("\n");

/** A folder laid out like ../shared/mattermost-api: source/, the Makefile, and the assembled spec. */
function specFolder(options: { assembled?: string; makefile?: string | null; sources?: [string, string][] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "matterapi-sources-"));
  const sources = options.sources ?? SOURCES;
  mkdirSync(join(dir, "source"));
  for (const [name, text] of sources) writeFileSync(join(dir, "source", name), text);
  if (options.makefile !== null) writeFileSync(join(dir, "Makefile.upstream"), options.makefile ?? MAKEFILE);
  writeFileSync(join(dir, "spec.yaml"), options.assembled ?? sources.map(([, text]) => text).join(""));
  writeFileSync(join(dir, "overlay.yaml"), OVERLAY);
  return { spec: join(dir, "spec.yaml"), overlay: join(dir, "overlay.yaml"), dir };
}

describe("locations in source/", () => {
  it("reads the order from the Makefile, each file once", () => {
    const { dir } = specFolder();
    expect(makefileOrder(dir)).toEqual(SOURCES.map(([name]) => name));
  });

  it("names source files and their lines in warnings, duplicate keys and skipped fixes", () => {
    const { spec, overlay } = specFolder();
    const result = generate(spec, overlay);
    expect(result.warnings).toEqual([
      "source/things.yaml:2: GET /api/v4/things/{thing_id} has no operationId and no overlay name; named it GetThings",
      "source/things.yaml:2: GET /api/v4/things/{thing_id} does not declare its path parameter {thing_id}; " +
        "treated as a required string",
    ]);
    expect(result.report.unhandledDuplicates).toEqual([
      { path: ["paths"], key: "/api/v4/twice", lines: [12, 14], at: ["source/things.yaml:7", "source/more.yaml:1"] },
    ]);
    expect(result.report.skipped).toEqual([
      {
        id: "thing-type",
        why: 'set without expect would overwrite {"type":"string"} at properties > id',
        at: "source/definitions.yaml:6",
      },
      // The operation is gone: the nearest place the spec has is `paths`.
      { id: "gone-operation", why: "no operation GET /api/v4/gone", at: "source/introduction.yaml:5" },
    ]);
  });

  it("names them for missing references too", () => {
    const sources: [string, string][] = [
      ...SOURCES.slice(0, -1),
      ["definitions.yaml", "components:\n  schemas:\n    Thing:\n      items: { $ref: '#/components/schemas/Part' }\n"],
    ];
    const { spec, overlay } = specFolder({ sources });
    expect(() => generate(spec, overlay)).toThrow(
      "\n  source/definitions.yaml:4: Part, referenced from schema Thing (items)",
    );
  });

  it("falls back to lines of the spec, and says why, when source/ does not add up to it", () => {
    const assembled = `${SOURCES.map(([, text]) => text).join("")}# edited by hand\n`;
    const edited = generate(specFolder({ assembled }).spec, specFolder().overlay);
    expect(edited.warnings[0]).toBe(
      "spec lines are those of spec.yaml: the files in source/ concatenated in Makefile order differ from the spec",
    );
    expect(edited.warnings[1]).toMatch(/^spec\.yaml:7: GET \/api\/v4\/things\/\{thing_id\} has no operationId/);
    expect(edited.report.unhandledDuplicates[0].at).toEqual(["spec.yaml:12", "spec.yaml:14"]);
    const unordered = generate(specFolder({ makefile: null }).spec, specFolder().overlay);
    expect(unordered.warnings[0]).toBe(
      "spec lines are those of spec.yaml: no Makefile.upstream or Makefile beside source/ gives their order",
    );
  });
});

describe.skipIf(!specAvailable())("locations in Mattermost's spec", () => {
  const folder = dirname(SPEC_PATH);
  const line = (at: string) => {
    const [file, n] = at.split(":");
    return readFileSync(join(folder, file), "utf8").split("\n")[Number(n) - 1];
  };
  const { locate, duplicates, locationNote } = loadSpec(SPEC_PATH);

  it("maps every line to the 52 files of source/, in the Makefile's order", () => {
    const order = makefileOrder(folder) ?? [];
    expect(order).toHaveLength(52);
    expect([order[0], order[order.length - 1]]).toEqual(["introduction.yaml", "definitions.yaml"]);
    expect(locationNote).toBeUndefined();
  });

  it("names where schemas, operations and repeated keys are written", () => {
    const schema = locate.where(["components", "schemas", "ClusterInfo"]);
    expect(schema).toMatch(/^source\/definitions\.yaml:\d+$/);
    expect(line(schema)).toBe("    ClusterInfo:");
    const operation = locate.where(["paths", "/api/v4/users/{user_id}/image", "get"]);
    expect(operation).toMatch(/^source\/users\.yaml:\d+$/);
    expect(line(operation)).toBe("    get:");
    const repeated = duplicates.find((d) => d.key === "/api/v4/sharedchannels/{channel_id}/remotes");
    const copies = repeated?.lines.map((l) => locate.line(l)) ?? [];
    expect(copies.map((c) => c.split(":")[0])).toEqual(["source/channels.yaml", "source/sharedchannels.yaml"]);
    for (const copy of copies) expect(line(copy)).toBe('  "/api/v4/sharedchannels/{channel_id}/remotes":');
  });

  it("names the nearest place the spec has for a path it lacks", () => {
    expect(locate.where(["components", "schemas", "ClusterInfo", "properties", "nothing", "here"])).toBe(
      locate.where(["components", "schemas", "ClusterInfo", "properties"]),
    );
  });
});
