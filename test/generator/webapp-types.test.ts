/**
 * spec/server/webapp-types.json is what scripts/server-facts/webapp-types.ts reads from the two installed releases
 * of @mattermost/types; these tests show it is current, spot check facts the reconciliation relies on, and pin down
 * how the extraction describes each kind of property on a small declaration file of our own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_OUT,
  extractAll,
  extractVersion,
  serialize,
  type WebappTypes,
} from "../../scripts/server-facts/webapp-types.js";

const committed = readFileSync(DEFAULT_OUT, "utf8");
const data: WebappTypes = JSON.parse(committed);
const OLDEST = "10.11.0";
const NEWEST = "11.9.0";
const type = (version: string, name: string) => {
  const decl = data.versions[version]?.[name];
  if (!decl) throw new Error(`${name} is not in @mattermost/types ${version}`);
  return decl;
};

describe("webapp-types.json", () => {
  // Two TypeScript programs take seconds: in a hook, whose timeout is longer than a test's.
  let fresh: string;
  beforeAll(() => {
    fresh = serialize(extractAll());
  });

  it("equals a fresh extraction of both installed versions, byte for byte", () => {
    expect(fresh === committed, "stale: run npx tsx scripts/server-facts/webapp-types.ts").toBe(true);
  });

  it("holds the two releases, each traced to its tarball", () => {
    expect(Object.keys(data.versions).sort()).toEqual([OLDEST, NEWEST]);
    for (const v of [OLDEST, NEWEST]) expect(data.sources[v].integrity).toMatch(/^sha512-/);
  });

  it("Channel.id is a required string in both", () => {
    for (const v of [OLDEST, NEWEST]) {
      expect(type(v, "Channel").fields.id).toEqual({ optional: false, kind: "string", text: "string" });
      expect(type(v, "Channel").file).toBe("channels.d.ts");
    }
  });

  it("describes literals, maps, refs and null", () => {
    const channel = type(NEWEST, "Channel").fields;
    expect(channel.type).toMatchObject({ kind: "literal", ref: "ChannelType", text: "ChannelType" });
    expect(channel.type.values).toEqual(expect.arrayContaining(["O", "P", "D", "G"]));
    expect(channel.props).toEqual({ optional: true, kind: "map", text: "Record<string, any>" });
    expect(type(NEWEST, "PostList").fields.posts).toMatchObject({ kind: "map", ref: "Post" });
    expect(type(NEWEST, "PostMetadata").fields.files).toMatchObject({ kind: "array", ref: "FileInfo" });
    expect(type(NEWEST, "Group").fields.remote_id).toEqual({
      optional: false,
      kind: "string",
      nullable: true,
      text: "string | null",
    });
  });

  it("UserProfile has timezone in both", () => {
    for (const v of [OLDEST, NEWEST]) {
      expect(type(v, "UserProfile").fields.timezone).toMatchObject({ optional: true, ref: "UserTimezone" });
    }
  });

  it("ChannelMembership has mention_count_root in 11.9.0 (and already in 10.11.0)", () => {
    for (const v of [OLDEST, NEWEST]) {
      expect(type(v, "ChannelMembership").fields.mention_count_root).toMatchObject({ optional: false, kind: "number" });
    }
  });

  it("knows fields that 11.9.0 has and 10.11.0 lacks", () => {
    expect(type(NEWEST, "ChannelMembership").fields.autotranslation_disabled).toMatchObject({ kind: "boolean" });
    expect(type(OLDEST, "ChannelMembership").fields.autotranslation_disabled).toBeUndefined();
    expect(type(NEWEST, "UserAccessToken").fields.expires_at).toMatchObject({ kind: "number" });
    expect(type(OLDEST, "UserAccessToken").fields.expires_at).toBeUndefined();
    expect(type(NEWEST, "ChannelBookmark").fields.type.values).toContain("board");
    expect(type(OLDEST, "ChannelBookmark").fields.type.values).not.toContain("board");
  });

  it("keys a name exported by two files by the later file", () => {
    expect(type(NEWEST, "AutocompleteSuggestion").file).toBe("apps.d.ts");
    expect(type(NEWEST, "AutocompleteSuggestion@integrations.d.ts").file).toBe("integrations.d.ts");
  });
});

describe("the extraction, on a declaration file of our own", () => {
  let dir: string;
  let out: ReturnType<typeof extractVersion>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "webapp-types-"));
    writeFileSync(
      join(dir, "a.d.ts"),
      [
        "export type Kind = 'x' | 'y';",
        "export type Value = string | number | null;",
        "export interface Base { id: string; }",
        "export interface Thing extends Base {",
        "  kind?: Kind | null; flag: boolean | null; list: Base[]; map: Record<string, Base>; value?: Value;",
        "  one: true; any: any; mixed: string | string[]; opt?: string | undefined; method(): void; fn: () => void;",
        "}",
        "export type Both = Partial<Thing> & { extra: number };",
        "export type Union = Thing | Base;",
        "export type Dup = { a: string };",
      ].join("\n"),
    );
    writeFileSync(join(dir, "b.d.ts"), "export type Dup = { b: number };\n");
    out = extractVersion(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves extends and &, skips functions and unions, and keys a second Dup by its file", () => {
    expect(Object.keys(out).sort()).toEqual(["Base", "Both", "Dup", "Dup@b.d.ts", "Thing"]);
    expect(Object.keys(out.Thing.fields)).not.toContain("method");
    expect(Object.keys(out.Thing.fields)).not.toContain("fn");
    expect(out.Thing.fields.id).toEqual({ optional: false, kind: "string", text: "string" });
    expect(out.Both.fields.id.optional).toBe(true);
    expect(out.Both.fields.extra).toEqual({ optional: false, kind: "number", text: "number" });
  });

  it("describes each kind of property", () => {
    const f = out.Thing.fields;
    expect(f.kind).toEqual({
      optional: true,
      kind: "literal",
      nullable: true,
      ref: "Kind",
      values: ["x", "y"],
      text: "Kind | null",
    });
    expect(f.flag).toEqual({ optional: false, kind: "boolean", nullable: true, text: "boolean | null" });
    expect(f.list).toEqual({ optional: false, kind: "array", ref: "Base", text: "Base[]" });
    expect(f.map).toEqual({ optional: false, kind: "map", ref: "Base", text: "Record<string, Base>" });
    expect(f.value).toEqual({ optional: true, kind: "union", nullable: true, ref: "Value", text: "Value" });
    expect(f.one).toEqual({ optional: false, kind: "literal", values: [true], text: "true" });
    expect(f.any).toEqual({ optional: false, kind: "any", text: "any" });
    expect(f.mixed).toEqual({ optional: false, kind: "union", text: "string | string[]" });
    expect(f.opt).toEqual({ optional: true, kind: "string", text: "string" });
  });
});
