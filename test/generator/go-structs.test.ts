/**
 * The Go declaration scanner behind spec/server/go-structs.json, on small hand-written snippets (not server code),
 * and the committed facts file against a fresh extraction when the server's model folder is beside the project.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractGoFacts } from "../../scripts/server-facts/go-facts.js";
import { buildGoStructs, DEFAULT_MODEL_DIR, DEFAULT_OUT } from "../../scripts/server-facts/go-structs.js";
import { printJson } from "../../scripts/server-facts/json-print.js";

const extract = (text: string, file = "thing.go") => extractGoFacts([{ file, text }]);
const structOf = (text: string, name: string) => {
  const { facts, warnings } = extract(text);
  expect(warnings).toEqual([]);
  return facts.structs[name];
};

describe("Go structs", () => {
  const src = [
    "package model", //
    "",
    'import "time"',
    "",
    '// Widget has a `json:"fake"` tag in this comment { and a brace',
    "type Widget struct {",
    "\tBase",
    '\t*Extra `json:",omitempty"`',
    '\tId       string   `json:"id" db:"id,primary"`',
    '\tOwnerId  *string  `db:"owner" json:"owner_id,omitempty"`',
    '\tKind     WidgetKind `json:"kind"`',
    '\tCount    int64    `json:"count,string"`',
    '\tSecret   string   `json:"-"`',
    '\tDash     string   `json:"-,"`',
    '\tA, B     float64  `json:"ab"`',
    "\tPlain    bool",
    '\tkeep     int      `json:"keep"`',
    '\tAt       time.Time `json:"at"`',
    '\tRaw      []byte   `json:"raw"`',
    '\tParts    []*Part  `json:"parts"`',
    '\tByName   map[string]*Part `json:"by_name"`',
    '\tOther    other.Thing `json:"other"`',
    "\tInner    struct {",
    '\t\tX int `json:"x"` /* a ` in a block comment */',
    '\t\tY []struct{ Z string } `json:"y"`',
    '\t} `json:"inner,omitempty"`',
    "}",
    "",
    'type Base struct{ Created int64 `json:"created"` }',
    "type Extra struct{}",
    'type Part struct{ Name string `json:"name"` }',
    "type WidgetKind string",
  ].join("\n");
  const widget = structOf(src, "Widget");
  const field = (go: string) => widget.fields.find((f) => f.go === go);

  it("reads json names, omitempty, pointers and other tag keys", () => {
    expect(widget.line).toBe(6);
    expect(field("Id")).toEqual({ json: "id", go: "Id", line: 9, omitempty: false, type: { kind: "string" } });
    expect(field("OwnerId")).toEqual({
      json: "owner_id",
      go: "OwnerId",
      line: 10,
      omitempty: true,
      pointer: true,
      type: { kind: "string" },
    });
    expect(field("Kind")?.type).toEqual({ kind: "string", named: "WidgetKind" });
    expect(field("Count")).toMatchObject({ json: "count", asString: true, type: { kind: "integer" } });
  });

  it('records embeds, json:"-" fields, untagged and unexported fields', () => {
    expect(widget.embeds).toEqual([
      { name: "Base", pointer: false, line: 7 },
      { name: "Extra", pointer: true, line: 8 },
    ]);
    expect(widget.hidden).toEqual([{ go: "Secret", line: 13 }]);
    expect(field("Dash")?.json).toBe("-");
    expect(field("Plain")).toEqual({
      json: "Plain",
      go: "Plain",
      line: 16,
      omitempty: false,
      untagged: true,
      type: { kind: "boolean" },
    });
    expect(field("keep")).toBeUndefined();
  });

  it("gives each of several names on one line its own field", () => {
    expect(widget.fields.filter((f) => f.line === 15).map((f) => [f.go, f.json, f.type.kind])).toEqual([
      ["A", "ab", "number"],
      ["B", "ab", "number"],
    ]);
  });

  it("maps Go types to JSON kinds", () => {
    expect(field("At")?.type).toEqual({ kind: "time" });
    expect(field("Raw")?.type).toEqual({ kind: "bytes" });
    expect(field("Parts")?.type).toEqual({ kind: "array", pointerItems: true, items: { kind: "ref", name: "Part" } });
    expect(field("ByName")?.type).toEqual({
      kind: "map",
      pointerValues: true,
      values: { kind: "ref", name: "Part" },
    });
    expect(field("Other")?.type).toEqual({ kind: "any", unresolved: "other.Thing" });
  });

  it("describes a nested anonymous struct as an object with its own fields", () => {
    expect(field("Inner")).toMatchObject({ json: "inner", omitempty: true, line: 23 });
    expect(field("Inner")?.type).toEqual({
      kind: "object",
      fields: [
        { json: "x", go: "X", line: 24, omitempty: false, type: { kind: "integer" } },
        {
          json: "y",
          go: "Y",
          line: 25,
          omitempty: false,
          type: {
            kind: "array",
            items: {
              kind: "object",
              fields: [{ json: "Z", go: "Z", line: 25, omitempty: false, untagged: true, type: { kind: "string" } }],
            },
          },
        },
      ],
    });
  });
});

describe("Go named types, enums and custom encodings", () => {
  const src = `package model

type Color string
type Level int
type Labels map[string]string
type Shapes []*Shape
type Palette = Colors
type Shape struct {
	Fill  Color  \`json:"fill"\`
	Tags  Labels \`json:"tags"\`
	Layer Layer  \`json:"layer"\`
}

type (
	Colors []Color
	Layer  Level
	List[T any] []T
)

type Holder struct {
	Items List[*Shape] \`json:"items"\`
}

const (
	ColorRed   Color = "red"
	ColorGreen Color = "gr" + "een"
	Unrelated        = "x"
	LevelLow   Level = iota + 1
	LevelHigh
	ColorBlue = Color("blue")
	ColorAlso = ColorRed
)

const LevelTop Level = 1 << 4

func (c Color) MarshalJSON() ([]byte, error) { return nil, nil }

func (s *Shape) MarshalJSON() ([]byte, error) {
	return []byte(\`{"}"}\`), nil
}

func (l List[T]) Len() int { return len(l) }
`;
  const { facts, warnings } = extract(src, "paint.go");

  it("resolves named types to their underlying kind and keeps the name", () => {
    expect(warnings).toEqual([]);
    expect(facts.types.Color).toEqual({
      file: "paint.go",
      line: 3,
      type: { kind: "string" },
      customMarshal: { line: 36 },
    });
    expect(facts.types.Labels.type).toEqual({ kind: "map", values: { kind: "string" } });
    expect(facts.types.Shapes.type).toEqual({
      kind: "array",
      pointerItems: true,
      items: { kind: "ref", name: "Shape" },
    });
    expect(facts.types.Palette).toMatchObject({ alias: true, type: { kind: "array", named: "Colors" } });
    expect(facts.structs.Shape.fields.map((f) => f.type)).toEqual([
      { kind: "string", named: "Color" },
      { kind: "map", named: "Labels", values: { kind: "string" } },
      { kind: "integer", named: "Layer" },
    ]);
    expect(facts.structs.Shape.customMarshal).toEqual({ line: 38, pointerReceiver: true });
  });

  it("instantiates generic types", () => {
    expect(facts.types.List).toMatchObject({ line: 17, typeParams: ["T"], type: { items: { typeParam: "T" } } });
    expect(facts.structs.Holder.fields[0].type).toEqual({
      kind: "array",
      named: "List",
      pointerItems: true,
      items: { kind: "ref", name: "Shape" },
    });
  });

  it("takes enum values from typed constants, with iota, repetition and conversions", () => {
    expect(facts.enums.Color).toEqual({
      file: "paint.go",
      values: ["red", "green", "blue", "red"],
      lines: [25, 26, 30, 31],
      names: ["ColorRed", "ColorGreen", "ColorBlue", "ColorAlso"],
    });
    expect(facts.enums.Level.values).toEqual([4, 5, 16]);
  });
});

describe("the Go scanner on several files", () => {
  it("keeps a struct declared twice as Name@file.go, each file using its own copy", () => {
    const { facts, notes } = extractGoFacts([
      { file: "b_new.go", text: 'package model\ntype Card struct{ Title string `json:"title"` }' },
      { file: "a_old.go", text: 'package model\ntype Card struct{ Name string `json:"name"` }\ntype Deck []Card' },
    ]);
    expect(facts.structs.Card.fields[0].json).toBe("name");
    expect(facts.structs["Card@b_new.go"]).toMatchObject({ file: "b_new.go", fields: [{ json: "title" }] });
    expect(facts.types.Deck.type).toEqual({ kind: "array", items: { kind: "ref", name: "Card" } });
    expect(notes).toEqual(["Card is declared in a_old.go and b_new.go: the latter kept as Card@b_new.go"]);
  });

  it("reports what it cannot read with file and line, and goes on", () => {
    const text =
      'package model\n\ntype Broken struct {\n\tA string `json:"a"`\n\t+ 1\n}\n\ntype Fine struct{ B int }\n';
    const { facts, warnings } = extract(text, "odd.go");
    expect(warnings).toEqual([expect.stringMatching(/^odd\.go:5: /)]);
    expect(facts.structs.Fine.fields[0].json).toBe("B");
  });
});

describe("the facts file's layout", () => {
  it("sorts keys and lays arrays out as Biome does", () => {
    const text = printJson({ b: [1, 2], a: { d: ["x"], c: [] }, n: Array.from({ length: 40 }, (_, i) => 1000 + i) });
    expect(text.startsWith('{\n  "a": {\n    "c": [],\n    "d": ["x"]\n  },\n  "b": [1, 2],\n  "n": [\n')).toBe(true);
    expect(text.split("\n").every((l) => l.length <= 120)).toBe(true);
    expect(text.endsWith("]\n}\n")).toBe(true);
  });
});

const haveModel = existsSync(DEFAULT_MODEL_DIR);
if (!haveModel) {
  console.warn(`Skipping the go-structs.json freshness test: no Go model folder at ${DEFAULT_MODEL_DIR}.`);
}

describe.skipIf(!haveModel)("spec/server/go-structs.json", () => {
  it("equals a fresh extraction (run npx tsx scripts/server-facts/go-structs.ts to update it)", () => {
    const { json, warnings } = buildGoStructs(DEFAULT_MODEL_DIR);
    expect(warnings).toEqual([]);
    expect(readFileSync(DEFAULT_OUT, "utf8")).toBe(printJson(json));
  });

  it("has the facts the reconciler relies on", () => {
    const { json } = buildGoStructs(DEFAULT_MODEL_DIR);
    const fields = (s: string) => Object.fromEntries(json.structs[s].fields.map((f) => [f.json, f]));
    expect(json.files["channel.go"].commit).toMatch(/^[0-9a-f]{40}$/);
    expect(json.structs.Channel.fields.length).toBeGreaterThanOrEqual(24);
    expect(fields("Channel").policy_actions).toMatchObject({ omitempty: true, type: { kind: "map" } });
    expect(json.structs.ChannelWithTeamData.embeds).toEqual([expect.objectContaining({ name: "Channel" })]);
    expect(fields("Post").metadata).toMatchObject({ omitempty: true, pointer: true, type: { name: "PostMetadata" } });
    expect(fields("User").timezone.type).toMatchObject({ kind: "map", named: "StringMap" });
    expect(json.structs.Bot.customMarshal).toBeDefined();
    expect(fields("PostList").posts.type).toMatchObject({ pointerValues: true, values: { name: "Post" } });
    expect(json.enums.ChannelType.values).toEqual(expect.arrayContaining(["O", "P", "D", "G"]));
  });
});
