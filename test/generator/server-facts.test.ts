/**
 * The server-facts reconciler (generator/server-facts/): each rule on a tiny hand-made document and tiny facts, then
 * the real spec and facts (a second pass over the reconciled document changes nothing), then the command line.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { tsType } from "../../generator/emit-schema.js";
import { generate } from "../../generator/generate.js";
import type { SchemaObject } from "../../generator/model.js";
import type {
  GoFacts,
  GoField,
  GoStruct,
  GoType,
  ModelMapping,
  ServerFacts,
  WebappFacts,
} from "../../generator/server-facts/facts.js";
import { loadServerFacts } from "../../generator/server-facts/facts.js";
import { type DriftEntry, reconcile, responseRoots } from "../../generator/server-facts/reconcile.js";
import { summary, undecided } from "../../generator/server-facts/report.js";
import { OVERLAY_PATH, ROOT, SPEC_PATH, specAvailable } from "../helpers/spec.js";

const OLDEST = "1.0.0";
const NEWEST = "2.0.0";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: "string" };

let nextLine = 10;
/** A field as go-structs.json describes it: always sent unless `omitempty`. */
function f(json: string, type: GoType | GoType["kind"], more: Partial<GoField> = {}): GoField {
  const t = typeof type === "string" ? { kind: type } : type;
  return { json, go: json, line: nextLine++, omitempty: false, type: t, ...more };
}
const struct = (fields: GoField[], more: Partial<GoStruct> = {}): GoStruct => ({
  file: "thing.go",
  line: 1,
  fields,
  ...more,
});
/** An @mattermost/types interface: `{ a: "string", b: "number?" }`, a trailing ? for an optional property. */
function iface(fields: Record<string, string>) {
  const out: Record<string, { optional: boolean; kind: string; text: string }> = {};
  for (const [name, kind] of Object.entries(fields)) {
    const bare = kind.replace(/\?$/, "");
    out[name] = { optional: kind.endsWith("?"), kind: bare, text: bare };
  }
  return { file: "thing.ts", fields: out };
}
type Iface = ReturnType<typeof iface>;

interface Case {
  structs: Record<string, GoStruct>;
  components: Record<string, SchemaObject>;
  /** The components 2xx answers refer to. */
  roots: string[];
  models?: Record<string, ModelMapping> | undefined;
  skip?: Record<string, string>;
  oldest?: Record<string, Iface>;
  /** Default: the same as oldest. */
  newest?: Record<string, Iface>;
  enums?: GoFacts["enums"];
}

function facts(c: Case): ServerFacts {
  const go: GoFacts = {
    source: { repository: "mattermost/mattermost", path: "server/public/model" },
    files: { "thing.go": { commit: COMMIT } },
    structs: c.structs,
    types: {},
    enums: c.enums ?? {},
  };
  const webapp: WebappFacts = {
    package: "@mattermost/types",
    versions: { [OLDEST]: c.oldest ?? {}, [NEWEST]: c.newest ?? c.oldest ?? {} },
  };
  return { go, webapp, models: { oldest: OLDEST, newest: NEWEST, models: c.models ?? {}, skip: c.skip ?? {} } };
}

function documentOf(c: Case): SchemaObject {
  const paths: Record<string, SchemaObject> = {};
  c.roots.forEach((root, i) => {
    const content = { "application/json": { schema: ref(root) } };
    paths[`/r/${i}`] = { get: { responses: { "200": { description: "ok", content } } } };
  });
  return { openapi: "3.0.0", paths, components: { schemas: structuredClone(c.components) } };
}

function run(c: Case) {
  const document = documentOf(c);
  const all = facts(c);
  const drift = reconcile(document, all, responseRoots(document));
  const schemas: Record<string, SchemaObject> = document.components.schemas;
  const of = (schema: string, kind?: string): DriftEntry[] =>
    drift.entries.filter((e) => e.schema === schema && (!kind || e.kind === kind));
  const one = (schema: string, field: string, kind: string): DriftEntry => {
    const found = drift.entries.filter((e) => e.schema === schema && e.field === field && e.kind === kind);
    expect(found, `${schema}.${field} ${kind}`).toHaveLength(1);
    return found[0];
  };
  /** Reconciles the reconciled document again: the entries of the second pass. */
  const again = () => reconcile(document, all, responseRoots(document)).entries;
  return { document, schemas, drift, of, one, again };
}

describe("fields the struct writes and the spec lacks", () => {
  const thing = struct([
    f("id", "string"),
    f("count", "integer"),
    f("flag", "boolean"),
    f("tags", { kind: "array", items: { kind: "string" } }, { omitempty: true }),
    f("props", { kind: "map", values: { kind: "integer" } }, { omitempty: true }),
    f("owner", { kind: "ref", name: "User" }),
    f("extra", { kind: "ref", name: "Extra" }, { pointer: true, omitempty: true }),
    f("extras", { kind: "array", items: { kind: "ref", name: "Extra" } }, { omitempty: true }),
  ]);
  const r = run({
    structs: {
      Thing: thing,
      User: struct([f("id", "string")]),
      Extra: struct([f("name", "string"), f("size", "integer")]),
    },
    models: { Person: { go: "User" } },
    components: { Thing: { type: "object", properties: { id: str } }, Person: { type: "object", properties: {} } },
    roots: ["Thing"],
  });

  it("are added with the server's type", () => {
    expect(r.schemas.Thing.properties).toEqual({
      id: str,
      count: { type: "integer" },
      flag: { type: "boolean" },
      tags: { type: "array", items: str },
      props: { type: "object", additionalProperties: { type: "integer" } },
      owner: ref("Person"),
      extra: ref("Extra"),
      extras: { type: "array", items: ref("Extra") },
    });
    const added = r.of("Thing", "missing").map((e) => [e.field, e.server, e.decision, e.decided]);
    expect(added).toEqual([
      ["count", "integer", "added", true],
      ["flag", "boolean", "added", true],
      ["tags", "array<string>", "added", true],
      ["props", "map", "added", true],
      ["owner", "ref:Person", "added", true],
      ["extra", "ref:Extra", "added", true],
      ["extras", "array<ref:Extra>", "added", true],
    ]);
    expect(r.one("Thing", "count", "missing").source).toBe(`thing.go:${thing.fields[1].line} (0123456789)`);
  });

  it("refer to the component mapped to a struct, which is then reconciled too", () => {
    expect(r.drift.reconciled.get("Person")).toBe("User");
    expect(r.schemas.Person.properties).toEqual({ id: str });
  });

  it("make a new component for a struct the spec has no model for, reported once as new-model", () => {
    expect(r.schemas.Extra).toMatchObject({ properties: { name: str, size: { type: "integer" } } });
    expect(r.schemas.Extra["x-server-struct"]).toBe("Extra");
    expect(r.of("Extra")).toEqual([
      expect.objectContaining({ kind: "new-model", spec: "nothing", server: "struct Extra, 2 fields", decided: true }),
    ]);
  });

  it("name the new component apart from a same-named one that stands for another struct", () => {
    const s = run({
      structs: { Holder: struct([f("item", { kind: "ref", name: "Item" })]), Item: struct([]), Other: struct([]) },
      models: { Item: { go: "Other" } },
      components: { Holder: { type: "object", properties: {} }, Item: { type: "object", properties: {} } },
      roots: ["Holder", "Item"],
    });
    expect(s.schemas.Holder.properties.item).toEqual(ref("Item2"));
    expect(s.drift.reconciled.get("Item2")).toBe("Item");
    expect(s.drift.reconciled.get("Item")).toBe("Other");
  });
});

describe("nullability", () => {
  const r = run({
    structs: {
      Box: struct([
        f("p", "string", { pointer: true }),
        f("list", { kind: "array", items: { kind: "string" } }),
        f("dict", { kind: "map", values: { kind: "string" } }),
        f("maybe", "string", { pointer: true, omitempty: true }),
        f("opt_list", { kind: "array", items: { kind: "string" } }, { omitempty: true }),
        f("filled", "string", { pointer: true }),
      ]),
    },
    models: { Box: { fields: { filled: { action: "notNull", reason: "always filled in" } } } },
    components: { Box: { type: "object", properties: { p: str, maybe: str, filled: str }, required: ["maybe"] } },
    roots: ["Box"],
  });
  const props = () => r.schemas.Box.properties;

  it("makes a pointer, slice or map without omitempty nullable", () => {
    expect(props().p).toEqual({ type: "string", nullable: true });
    expect(props().list).toEqual({ type: "array", items: str, nullable: true });
    expect(props().dict).toEqual({ type: "object", additionalProperties: str, nullable: true });
    expect(r.one("Box", "p", "nullable")).toMatchObject({ spec: "never null", server: "may be null" });
  });

  it("leaves one with omitempty optional and not nullable", () => {
    expect(props().maybe).toEqual(str);
    expect(props().opt_list).toEqual({ type: "array", items: str });
    expect(r.one("Box", "maybe", "optional")).toMatchObject({ server: "omitempty", decision: "optional: omitempty" });
    expect(r.schemas.Box.required).toEqual(["p", "filled"]);
  });

  it("lets a notNull decision win", () => {
    expect(props().filled).toEqual(str);
    expect(r.of("Box", "nullable").map((e) => e.field)).toEqual(["p"]);
  });
});

describe("required", () => {
  const r = run({
    structs: {
      Acct: struct([
        f("a", "string"),
        f("b", "string"),
        f("c", "string"),
        f("d", "string", { omitempty: true }),
        f("e", "string"),
        f("g", "string"),
        f("fresh", "string"),
      ]),
      Loose: struct([f("x", "string"), f("y", "string")]),
    },
    oldest: {
      Acct: iface({ a: "string", b: "string?", d: "string", e: "string", g: "string", fresh: "string" }),
      Loose: iface({ x: "string", y: "string" }),
    },
    newest: { Acct: iface({ a: "string", b: "string", c: "string", d: "string", e: "string", g: "string" }) },
    models: {
      Acct: { fields: { g: { action: "optional", reason: "depends on the call" } } },
      Loose: { types: null },
    },
    components: {
      Acct: {
        type: "object",
        properties: { a: str, b: str, c: str, d: str, e: str, g: str },
        required: ["a", "b", "c", "d", "g"],
      },
      Loose: { type: "object", properties: { x: str } },
    },
    roots: ["Acct", "Loose"],
  });

  it("requires a field always sent and required in the oldest @mattermost/types", () => {
    expect(r.schemas.Acct.required).toEqual(["a", "e", "fresh"]);
    expect(r.one("Acct", "e", "required")).toMatchObject({ spec: "optional", server: "always sent" });
  });

  it("makes one optional or absent in the oldest @mattermost/types, omitempty, or decided so optional, naming why", () => {
    const why = r.of("Acct", "optional").map((e) => [e.field, e.server, e.decision]);
    expect(why).toEqual([
      ["b", "not always sent", `optional: optional in @mattermost/types ${OLDEST}`],
      ["c", "not always sent", `optional: absent in @mattermost/types ${OLDEST}`],
      ["d", "omitempty", "optional: omitempty"],
      ["g", "not always sent", "optional: depends on the call"],
    ]);
  });

  it("says when an added field is not in the newest @mattermost/types", () => {
    expect(r.one("Acct", "fresh", "missing").decision).toBe(`added (not in @mattermost/types ${NEWEST})`);
  });

  it("without a types interface, requires what the spec documented, also on a second pass", () => {
    expect(r.schemas.Loose.required).toEqual(["x"]);
    expect(r.schemas.Loose["x-server-added"]).toEqual(["y"]);
    expect(r.again().filter((e) => e.schema === "Loose")).toEqual([]);
    expect(r.schemas.Loose.required).toEqual(["x"]);
  });
});

describe("types", () => {
  const decide = (action: "spec" | "server" | "schema", schema?: SchemaObject) => ({ action, schema, reason: action });
  const r = run({
    structs: {
      Price: struct([
        f("amount", "number"),
        f("code", "integer"),
        f("label", "string"),
        f("size", "integer"),
        f("meta", { kind: "map", values: { kind: "string" } }, { omitempty: true }),
        f("count", "integer"),
        f("data", { kind: "map", values: { kind: "string" } }, { omitempty: true }),
      ]),
    },
    newest: { Price: iface({ amount: "number", code: "string" }) },
    models: {
      Price: {
        fields: {
          label: decide("spec"),
          size: decide("server"),
          meta: decide("schema", { type: "object", additionalProperties: str }),
        },
      },
    },
    components: {
      Price: {
        type: "object",
        properties: {
          amount: { type: "string", description: "What it costs." },
          code: str,
          label: { type: "integer" },
          size: str,
          meta: str,
          count: { type: "number" },
          data: { type: "object", properties: { k: str } },
        },
      },
    },
    roots: ["Price"],
  });
  const props = () => r.schemas.Price.properties;

  it("replaces a type the struct contradicts with the server's, keeping the description", () => {
    expect(props().amount).toEqual({ type: "number", description: "What it costs." });
    expect(r.one("Price", "amount", "type")).toMatchObject({
      spec: "string",
      server: "number",
      decision: "the server's type",
      decided: true,
    });
  });

  it("leaves the disagreement undecided when the newest @mattermost/types sides with the spec", () => {
    expect(r.one("Price", "code", "type")).toMatchObject({ spec: "string", server: "integer", decided: false });
    expect(undecided(r.drift).map((e) => `${e.schema}.${e.field}`)).toEqual(["Price.code"]);
  });

  it("follows spec, server and schema decisions", () => {
    expect(props().label).toEqual({ type: "integer" });
    expect(r.one("Price", "label", "type").decision).toBe("kept the spec's: spec");
    expect(props().size).toEqual({ type: "integer" });
    expect(r.one("Price", "size", "type").decision).toBe("decided: server");
    expect(props().meta).toEqual({ type: "object", additionalProperties: str });
    expect(r.one("Price", "meta", "type").decision).toBe("decided: schema");
  });

  it("keeps a number where the server has an integer, and documented keys where it has a map", () => {
    expect(props().count).toEqual({ type: "number" });
    expect(props().data).toEqual({ type: "object", properties: { k: str } });
    expect(r.of("Price", "type").map((e) => e.field)).toEqual(["amount", "code", "label", "size", "meta"]);
  });

  it("reports only the standing spec decision on a second pass", () => {
    expect(
      r
        .again()
        .filter((e) => e.kind === "type")
        .map((e) => e.field),
    ).toEqual(["label"]);
  });
});

describe("spec fields the struct does not write", () => {
  const base: Case = {
    structs: { Acc: struct([f("id", "string")], { hidden: [{ go: "AuthData", line: 40 }] }) },
    models: {
      Acc: {
        fields: {
          gone: { action: "remove", reason: "a typo" },
          kept: { action: "keep", reason: "sent by the app layer" },
        },
      },
    },
    components: {
      Acc: { type: "object", properties: { id: str, old: str, gone: str, kept: str, auth_data: str } },
    },
    roots: ["Acc"],
  };
  base.components.Acc.required = ["kept", "gone"];
  const r = run(base);

  it("are undecided by default", () => {
    expect(r.schemas.Acc.properties.old).toEqual(str);
    expect(r.one("Acc", "old", "never-sent")).toMatchObject({ server: "not in the struct", decided: false });
  });

  it("are removed or kept (optional) as decided", () => {
    expect(Object.keys(r.schemas.Acc.properties)).toEqual(["id", "old", "kept"]);
    expect(r.schemas.Acc.required).toEqual(["id"]);
    expect(r.one("Acc", "gone", "never-sent").decision).toBe("removed: a typo");
    expect(r.one("Acc", "kept", "never-sent").decision).toBe("kept: sent by the app layer");
  });

  it('are removed on their own when the struct hides them (json:"-")', () => {
    expect(r.one("Acc", "auth_data", "never-sent")).toMatchObject({
      server: 'json:"-"',
      decision: "removed (hidden)",
      source: "thing.go:40 (0123456789)",
      decided: true,
    });
  });

  it("may not be decided when neither side has them", () => {
    const models = { Acc: { fields: { nowhere: { action: "keep" as const, reason: "?" } } } };
    expect(() => run({ ...base, models })).toThrow(/Acc\.nowhere is decided but neither the spec nor the server/);
  });
});

describe("a struct with a custom MarshalJSON", () => {
  const bot = (models: Case["models"], properties: SchemaObject = {}, required?: string[]) =>
    run({
      structs: { Bot: struct([f("user_id", "string")], { customMarshal: { line: 5 } }) },
      models,
      components: { Bot: { type: "object", properties: { user_id: str, ...properties }, required } },
      roots: ["Bot"],
    });

  it("is undecided unless the mapping has adds or a reason", () => {
    expect(bot(undefined).one("Bot", "", "custom-encoding")).toMatchObject({
      server: "MarshalJSON",
      source: "thing.go:5 (0123456789)",
      decided: false,
    });
    expect(bot({ Bot: { reason: "writes the fields as they are" } }).one("Bot", "", "custom-encoding")).toMatchObject({
      decision: "writes the fields as they are",
      decided: true,
    });
  });

  it("gets the fields it adds, required unless decided optional", () => {
    const adds = { system_owned: { type: "boolean" }, computed: str };
    const r = bot({ Bot: { adds, fields: { computed: { action: "optional", reason: "newer servers only" } } } });
    expect(r.one("Bot", "", "custom-encoding").decision).toBe("fields added below");
    expect(r.schemas.Bot.properties).toEqual({ user_id: str, system_owned: { type: "boolean" }, computed: str });
    expect(r.one("Bot", "computed", "missing").decision).toBe("added (custom encoding, models.yaml)");
    expect(r.schemas.Bot.required).toEqual(["user_id", "system_owned"]);
  });

  it("reports the required list it changes for the added fields", () => {
    const adds = { system_owned: { type: "boolean" }, computed: str };
    const fields = { computed: { action: "optional" as const, reason: "newer servers only" } };
    const r = bot({ Bot: { adds, fields } }, adds, ["user_id", "computed"]);
    expect(r.schemas.Bot.required).toEqual(["user_id", "system_owned"]);
    expect(r.one("Bot", "system_owned", "required").decision).toBe("required (custom encoding, models.yaml)");
    expect(r.one("Bot", "computed", "optional").decision).toBe("optional: newer servers only");
  });
});

describe("embedded structs and allOf models", () => {
  it("promote an embedded struct's fields, the outer field winning a name", () => {
    const r = run({
      structs: {
        Outer: struct([f("name", "string")], { embeds: [{ name: "Inner", pointer: false, line: 3 }] }),
        Inner: struct([f("name", "integer"), f("inner_id", "string")]),
      },
      components: { Outer: { type: "object", properties: {} } },
      roots: ["Outer"],
    });
    expect(r.schemas.Outer.properties).toEqual({ name: str, inner_id: str });
  });

  // The same model under a name that sorts after its base and one that sorts before it: the same result.
  it.each(["ChannelWithTeamData", "AnnotatedChannel"])("reconcile only their own part (%s)", (name) => {
    const r = run({
      structs: {
        Channel: struct([f("id", "string"), f("name", "string"), f("policy_id", "string", { omitempty: true })]),
        ChannelWithTeamData: struct([f("team_name", "string"), f("team_display_name", "string")], {
          embeds: [{ name: "Channel", pointer: false, line: 2 }],
        }),
      },
      models: { [name]: { go: "ChannelWithTeamData" } },
      components: {
        Channel: { type: "object", properties: { id: str, policy_id: str } },
        [name]: { allOf: [ref("Channel"), { type: "object", properties: { team_name: str, policy_id: str } }] },
      },
      roots: [name],
    });
    expect(r.schemas.Channel.properties).toEqual({ id: str, policy_id: str, name: str });
    expect(r.schemas[name].allOf[1].properties).toEqual({ team_name: str, team_display_name: str });
    expect(r.one(name, "policy_id", "type")).toMatchObject({
      spec: "declared twice",
      decision: "the extended model's field decides",
    });
    expect(r.of(name, "missing").map((e) => e.field)).toEqual(["team_display_name"]);
    expect(r.again()).toEqual([]);
  });
});

describe("a learned mapping", () => {
  it("binds a component the spec refers to where the struct has struct S, and reconciles it as S", () => {
    const r = run({
      structs: {
        Post: struct([
          f("id", "string"),
          f("metadata", { kind: "ref", name: "PostMetadata" }, { pointer: true, omitempty: true }),
          f("files", { kind: "array", items: { kind: "ref", name: "FileInfo" } }, { omitempty: true }),
        ]),
        PostMetadata: struct([f("images", { kind: "map", values: { kind: "string" } }, { omitempty: true })]),
        FileInfo: struct([f("id", "string"), f("name", "string")]),
      },
      components: {
        Post: {
          type: "object",
          properties: { id: str, metadata: ref("Meta"), files: { type: "array", items: ref("File") } },
        },
        Meta: { type: "object", properties: {} },
        File: { type: "object", properties: { id: str } },
      },
      roots: ["Post"],
    });
    expect(r.drift.reconciled.get("Meta")).toBe("PostMetadata");
    expect(r.drift.reconciled.get("File")).toBe("FileInfo");
    expect(r.schemas.Meta.properties).toEqual({ images: { type: "object", additionalProperties: str } });
    expect(r.schemas.File.properties).toEqual({ id: str, name: str });
    expect(r.schemas.Post.properties.metadata).toEqual(ref("Meta"));
    expect(r.schemas.PostMetadata).toBeUndefined();
    expect(r.of("Post", "type")).toEqual([]);
  });
});

describe("enums", () => {
  const r = run({
    structs: {
      Chan: struct([f("type", { kind: "string", named: "Kind" }), f("mode", { kind: "string", named: "Kind" })]),
    },
    enums: { Kind: { file: "thing.go", values: ["O", "P"], lines: [3, 4] } },
    components: { Chan: { type: "object", properties: { mode: { type: "string", enum: ["O", "X"] } } } },
    roots: ["Chan"],
  });
  const response = (schema: SchemaObject) =>
    tsType(schema, { direction: "response", refs: new Set(), refType: (n) => n });

  it("list a named Go type's constants as x-enum, open (no enum)", () => {
    expect(r.schemas.Chan.properties.type).toEqual({ type: "string", "x-enum": ["O", "P"] });
    expect(response(r.schemas.Chan.properties.type)).toBe('"O" | "P" | (string & {})');
  });

  it("open a spec enum on such a field", () => {
    expect(r.schemas.Chan.properties.mode).toEqual({ type: "string", "x-enum": ["O", "X", "P"] });
    expect(r.one("Chan", "mode", "enum")).toMatchObject({ spec: '["O","X"]', server: "open" });
  });
});

describe("x-request-required", () => {
  const r = run({
    structs: { Team: struct([f("id", "string"), f("name", "string"), f("display_name", "string")]) },
    oldest: { Team: iface({ id: "string", name: "string", display_name: "string" }) },
    components: { Team: { type: "object", properties: { id: str, name: str, display_name: str }, required: ["name"] } },
    roots: ["Team"],
  });

  it("gives requests the view Partial<X> & Pick<X, ...>", () => {
    const type = (direction: "request" | "response") =>
      tsType(ref("Team"), { direction, refs: new Set(), refType: (n) => n, components: r.schemas });
    expect(type("request")).toBe('Partial<Team> & Pick<Team, "name">');
    expect(type("response")).toBe("Team");
  });

  it("keeps the spec's own required list for requests, also on a second pass", () => {
    expect(r.schemas.Team.required).toEqual(["name", "id", "display_name"]);
    expect(r.schemas.Team["x-request-required"]).toEqual(["name"]);
    const before = structuredClone(r.document);
    r.again();
    expect(r.document).toEqual(before);
  });
});

const CHANGES = new Set(["missing", "type", "nullable", "required", "optional", "never-sent"]);

describe.skipIf(!specAvailable())("the real spec and facts", () => {
  it("leave nothing undecided, and a second pass over the result changes nothing", () => {
    const result = generate(SPEC_PATH, OVERLAY_PATH);
    const drift = result.drift;
    if (!drift) throw new Error("spec/server/ has no facts");
    expect(undecided(drift)).toEqual([]);
    const real = loadServerFacts(join(ROOT, "spec/server")) as ServerFacts;
    const reconciled = structuredClone(result.document);
    const second = reconcile(reconciled, real, responseRoots(reconciled)).entries.filter((e) => CHANGES.has(e.kind));
    // What remains are the disagreements models.yaml keeps on purpose (`keep`, `spec`), as the first pass had them.
    for (const e of second) expect(e.decision, `${e.schema}.${e.field}`).toMatch(/^kept/);
    const first = drift.entries.filter((e) => CHANGES.has(e.kind) && e.decision.startsWith("kept"));
    const key = (e: DriftEntry) => `${e.schema}.${e.field}`;
    expect(second.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      first.sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect(isDeepStrictEqual(reconciled, result.document)).toBe(true);
    expect(summary(drift)).toMatch(/^\d+ models compared with the server: \d+ missing/);
  });
});

/** A folder with a tiny spec whose one answer model has a field no struct writes. */
function scratch(withFacts: boolean): { spec: string; overlay: string } {
  const dir = mkdtempSync(join(tmpdir(), "matterapi-server-facts-"));
  const spec = {
    openapi: "3.0.0",
    info: { title: "tiny", version: "1" },
    paths: {
      "/api/v4/emoji/{emoji_id}": {
        get: {
          operationId: "GetEmoji",
          tags: ["emoji"],
          parameters: [{ name: "emoji_id", in: "path", required: true, schema: str }],
          responses: { "200": { description: "ok", content: { "application/json": { schema: ref("Emoji") } } } },
        },
      },
    },
    components: { schemas: { Emoji: { type: "object", properties: { id: str, bogus_field: str } } } },
  };
  writeFileSync(join(dir, "spec.yaml"), stringify(spec));
  writeFileSync(join(dir, "overlay.yaml"), "fixes: []\n");
  if (withFacts) {
    const c: Case = { structs: { Emoji: struct([f("id", "string")]) }, components: {}, roots: [] };
    const { go, webapp } = facts(c);
    mkdirSync(join(dir, "server"));
    writeFileSync(join(dir, "server/go-structs.json"), JSON.stringify(go));
    writeFileSync(join(dir, "server/webapp-types.json"), JSON.stringify(webapp));
    writeFileSync(join(dir, "server/models.yaml"), stringify({ oldest: OLDEST, newest: NEWEST, models: {} }));
  }
  return { spec: join(dir, "spec.yaml"), overlay: join(dir, "overlay.yaml") };
}

describe("generation with facts beside the overlay", () => {
  it("reports what nobody decided, in the result and in server-drift.md", () => {
    const { spec, overlay } = scratch(true);
    const result = generate(spec, overlay);
    expect(undecided(result.drift as NonNullable<typeof result.drift>)).toEqual([
      expect.objectContaining({ schema: "Emoji", field: "bogus_field", kind: "never-sent" }),
    ]);
    expect(result.files.get("server-drift.md")).toMatch(/\| bogus_field \| never-sent \|.*\*\*UNDECIDED\*\* \|/);
  });

  it("generates from the spec alone when the overlay's folder has no server/ facts", () => {
    const { spec, overlay } = scratch(false);
    const result = generate(spec, overlay);
    expect(result.drift).toBeUndefined();
    expect(result.files.has("server-drift.md")).toBe(false);
  });
});

describe("the command line", () => {
  it("exits 1 with --check when a disagreement is undecided, naming the schema and field", () => {
    const { spec, overlay } = scratch(true);
    const out = join(spec, "../out");
    const cli = spawnSync(
      process.execPath,
      ["--import", "tsx", "generator/cli.ts", "--check", "--spec", spec, "--overlay", overlay, "--out", out],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(
      /^server facts: Emoji\.bogus_field \(never-sent\): the spec says documented, the server not in the struct \(\w+\.go:\d+ \([0-9a-f?]+\)\); nobody decided/m,
    );
    expect(cli.stderr).not.toMatch(/overlay: fix/);
  });
});

describe("models we chose not to compare (skip)", () => {
  const c: Case = {
    structs: {
      Plugin: struct([f("id", "string"), f("settings", { kind: "ref", name: "Settings" }, { pointer: true })]),
      Settings: struct([f("a", "string"), f("b", "integer")]),
    },
    components: {
      Plugin: { type: "object", properties: { id: str } },
      Settings: { type: "object", properties: { a: str } },
    },
    roots: ["Plugin"],
    skip: { Settings: "documented subset, older facts" },
  };

  it("are referred to as they are, never compared nor made again from the struct", () => {
    const r = run(c);
    expect(r.schemas.Plugin.properties.settings).toEqual({ $ref: "#/components/schemas/Settings", nullable: true });
    expect(r.schemas.Settings).toEqual({ type: "object", properties: { a: str } });
    expect(Object.keys(r.schemas).sort()).toEqual(["Plugin", "Settings"]);
    expect(r.of("Settings")).toEqual([]);
    expect(r.again().filter((e) => e.schema === "Settings")).toEqual([]);
  });

  it("a mapping in models.yaml that no answer reaches is an error", () => {
    expect(() => run({ ...c, models: { Nowhere: { types: null } } })).toThrow(/models\.yaml maps Nowhere/);
  });
});
