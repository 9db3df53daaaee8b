import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEADER } from "../../generator/emit.js";
import { generate } from "../../generator/generate.js";
import { parseSpec } from "../../generator/load-spec.js";
import { groupName, methodName } from "../../generator/names.js";
import { OVERLAY_PATH, SPEC_PATH, specAvailable } from "../helpers/spec.js";

const run = specAvailable();

describe("names", () => {
  it("turns operationIds into lowerCamelCase methods", () => {
    expect(methodName("GetUser")).toBe("getUser");
    expect(methodName("CreateCPAField")).toBe("createCPAField");
    expect(methodName("LDAPSync")).toBe("ldapSync");
    expect(methodName("Get-Thing_2")).toBe("getThing_2");
  });

  it("normalises tags into group names", () => {
    expect(groupName("OAuth")).toBe("oauth");
    expect(groupName("oauth")).toBe("oauth");
    expect(groupName("LDAP")).toBe("ldap");
    expect(groupName("shared channels")).toBe("sharedChannels");
    expect(groupName("Content Flagging")).toBe("contentFlagging");
    expect(groupName("outgoing_oauth_connections")).toBe("outgoingOauthConnections");
  });
});

describe("the loader", () => {
  it("reports a repeated key with its lines and keeps the last copy", () => {
    const { document, duplicates } = parseSpec(
      "openapi: 3.0.0\npaths:\n  /a:\n    get: {operationId: First}\n  /a:\n    get: {operationId: Second}\n",
    );
    expect(duplicates).toEqual([{ path: ["paths"], key: "/a", lines: [3, 5] }]);
    expect(document.paths["/a"].get.operationId).toBe("Second");
  });

  it("refuses what is not an OpenAPI document, and YAML that does not parse, with the reason", () => {
    expect(() => parseSpec("hello: world\n")).toThrow(/not an OpenAPI document/);
    expect(() => parseSpec("openapi: [unclosed\n")).toThrow(/cannot parse spec/);
  });
});

describe.skipIf(!run)("generation", () => {
  const first = run ? generate(SPEC_PATH, OVERLAY_PATH) : undefined;

  it("is deterministic", () => {
    const second = generate(SPEC_PATH, OVERLAY_PATH);
    expect([...second.files.keys()]).toEqual([...(first?.files.keys() ?? [])]);
    for (const [name, text] of second.files) expect(text, name).toBe(first?.files.get(name));
  });

  it("starts every generated file with the header that says how to regenerate", () => {
    for (const [name, text] of first?.files ?? []) {
      if (name.endsWith(".md")) expect(text).toContain("do not edit");
      else expect(text.split("\n")[0], name).toBe(HEADER);
    }
  });

  it("splits the output: no module is a giant", () => {
    const sizes = [...(first?.files ?? [])].map(([name, text]) => [name, text.length] as const);
    for (const [name, size] of sizes) expect(size, name).toBeLessThan(400_000);
    expect(sizes.filter(([n]) => n.startsWith("groups/")).length).toBe(51);
  });

  it("documents every method from the spec: summary, permissions, minimum version, deprecation", () => {
    const users = first?.files.get("groups/users.ts") ?? "";
    const doc = users.slice(users.lastIndexOf("/**", users.indexOf("  getUser(")), users.indexOf("  getUser("));
    expect(doc).toContain("Get a user");
    expect(doc).toContain("Permissions: Requires an active session");
    expect(doc).toContain("`GET /api/v4/users/{user_id}` (operation GetUser)");
    expect(doc).toContain("@see https://developers.mattermost.com/api-documentation/#/operations/GetUser");
    expect(users).toMatch(/Minimum server version: 5\.\d+/);
    expect(users).toMatch(/@deprecated Will be deprecated in v6\.0\n\s+\* @see [^\n]+GetUserTermsOfService/);
    const methods = [...(first?.files ?? [])].filter(([n]) => n.startsWith("groups/") && n !== "groups/index.ts");
    const count = methods.reduce(
      (n, [, text]) => n + (text.match(/\n {2}\/\*\*\n(?: {3}\*[^\n]*\n)+ {3}\*\/\n {2}[a-z]\w*\(/g)?.length ?? 0),
      0,
    );
    expect(count).toBeGreaterThanOrEqual(512);
  });

  it("handles a newer spec without code changes: new tags become groups, gone fix targets are reported", () => {
    const text = readFileSync(SPEC_PATH, "utf8")
      // A new tag with a new operation (and an undeclared path parameter, and no operationId):
      .replace(
        /^paths:\n/m,
        `paths:\n  /api/v4/recaps/{recap_id}/summary:\n    get:\n      tags: [recaps]\n      summary: Get a recap summary\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  text: {type: string}\n`,
      )
      // Upstream fixed the duplicate SearchFiles id: the overlay's rename no longer applies.
      .replace("operationId: SearchFiles\n", "operationId: SearchFilesInTeam\n");
    const dir = mkdtempSync(join(tmpdir(), "matterapi-newer-"));
    const path = join(dir, "newer.yaml");
    writeFileSync(path, text);
    const newer = generate(path, OVERLAY_PATH);
    expect(newer.operations).toBe(513);
    expect(newer.model.groups.get("recaps")?.map((o) => o.name)).toEqual(["getRecapsSummary"]);
    expect(newer.files.get("groups/recaps.ts")).toContain(
      "getRecapsSummary(recapId: string, options?: RequestOptions)",
    );
    expect(newer.files.get("groups/index.ts")).toContain("recaps: RecapsApi");
    // Each report names the line it is about (this spec has no source/ folder beside it: lines of newer.yaml).
    const lines = text.split("\n");
    const renamed = `newer.yaml:${lines.indexOf("      operationId: SearchFilesInTeam") + 1}`;
    const recap = `newer.yaml:${lines.indexOf("  /api/v4/recaps/{recap_id}/summary:") + 2}`;
    expect(newer.report.skipped).toEqual([
      {
        id: "search-team-files-operation-id",
        why: 'expected "SearchFiles" at operationId, found "SearchFilesInTeam"',
        at: renamed,
      },
    ]);
    expect(newer.warnings).toEqual([
      `${recap}: GET /api/v4/recaps/{recap_id}/summary has no operationId and no overlay name; named it GetRecapsSummary`,
      `${recap}: GET /api/v4/recaps/{recap_id}/summary does not declare its path parameter {recap_id}; treated as a required string`,
    ]);
  });
});
