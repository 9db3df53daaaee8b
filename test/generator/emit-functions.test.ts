/**
 * The generator's matterapi/operations modules: one export per operation, an arrow function over its own endpoint
 * constant (free of side effects without any PURE annotation), and clashing names kept apart.
 */
import { describe, expect, it } from "vitest";
import { emitFunctions } from "../../generator/emit-functions.js";
import type { Operation } from "../../generator/model.js";

const op = (group: string, name: string, path: string): Operation => ({
  id: name.charAt(0).toUpperCase() + name.slice(1),
  method: "GET",
  path,
  group,
  tags: [group],
  name,
  pathParams: [],
  queryParams: [],
  response: { kind: "json", status: "200", schema: { $ref: "#/components/schemas/StatusOK" } },
  authenticated: true,
  doc: { summary: "Get the status" },
});

describe("emitFunctions", () => {
  const groups = [
    { group: "system", plans: [{ op: op("system", "getStatus", "/api/v4/system/status"), responseType: "StatusOK" }] },
    {
      group: "plugins",
      plans: [{ op: op("plugins", "getStatus", "/api/v4/plugins/status"), responseType: "StatusOK" }],
    },
  ];

  it("writes one module per group and an index, each export an arrow function over its own endpoint", () => {
    const files = emitFunctions(groups, true, "functions");
    expect([...files.keys()].sort()).toEqual(["functions/index.ts", "functions/plugins.ts", "functions/system.ts"]);
    const system = files.get("functions/system.ts");
    expect(system).toContain(
      'const GetStatusEndpoint: Endpoint = { id: "GetStatus", method: "GET", path: "/api/v4/system/status", ' +
        'response: "json", schema: S.StatusOK };',
    );
    expect(system).toContain(
      'export const getStatus = ((client, ...args) => call(client, GetStatusEndpoint, args)) as Operation<SystemApi["getStatus"]>;',
    );
    // Nothing runs when the module loads: no call at the top level for a bundler to keep.
    expect(system).not.toMatch(/^export const \w+ = (?!\(\(client)/m);
    expect(files.get("functions/index.ts")).toContain('export * from "./system.js";');
    expect(emitFunctions(groups, false, "unvalidated").get("unvalidated/system.ts")).not.toContain("schema:");
  });

  it("names a method that another group already has <group>_<method>, with a warning", () => {
    const warnings: string[] = [];
    const files = emitFunctions(groups, true, "functions", warnings);
    expect(files.get("functions/plugins.ts")).toContain("export const plugins_getStatus = ((client, ...args) =>");
    expect(warnings).toEqual([
      "matterapi/operations: getStatus is a method of both system and plugins; exported as plugins_getStatus",
    ]);
  });
});
