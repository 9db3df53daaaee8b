/**
 * An overlay fix that replaces a value the spec has states that value (`expect`), so that a changed upstream is
 * reported for a person to look at instead of being overwritten: `set` and `move` onto a value, and `merge` keys
 * that the object has with another value.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import { parseSpec } from "../../generator/load-spec.js";
import { applyOverlay, type Fix, loadOverlay } from "../../generator/overlay.js";
import { OVERLAY_PATH, SPEC_PATH, specAvailable } from "../helpers/spec.js";

const SPEC = [
  "openapi: 3.0.0",
  "paths:",
  "  /api/v4/posts/schedule:",
  "    post:",
  "      responses:",
  '        "200":',
  "          content:",
  "            application/json:",
  "              schema:",
  "                type: object",
  "                items:",
  '                  $ref: "#/components/schemas/ScheduledPost"',
  "components:",
  "  schemas:",
  "    PluginStatus:",
  "      type: object",
  "      properties:",
  "        state:",
  "          type: number",
  "          enum: [NotRunning, Running]",
  "        id:",
  "          type: string",
  "",
].join("\n");

const SCHEDULE = "POST /api/v4/posts/schedule";
const SCHEMA = ["responses", "200", "content", "application/json", "schema"];

/** Applies the fixes to a fresh copy of SPEC; returns the report and the patched document. */
function apply(...fixes: Fix[]) {
  const { document, duplicates, locate } = parseSpec(SPEC, "plugins.yaml");
  const report = applyOverlay(document, { fixes, tagGroups: {}, cursorPagers: {} }, duplicates, locate);
  return { report, document, state: document.components.schemas.PluginStatus.properties?.state };
}

const fix = (id: string, rest: Partial<Fix>): Fix => ({ id, reason: "test", ...rest });
const numeric = { type: "integer", enum: [0, 1] };

describe("set", () => {
  it("does not overwrite a value it does not expect, and says where it is", () => {
    const { report, state } = apply(
      fix("s", { schema: "PluginStatus", set: { at: ["properties", "state"], value: numeric } }),
    );
    expect(report.skipped).toEqual([
      {
        id: "s",
        why: 'set without expect would overwrite {"type":"number","enum":["NotRunning","Running"]} at properties > state',
        at: "plugins.yaml:18",
      },
    ]);
    expect(state.type).toBe("number");
  });

  it("replaces the value it expects (key order aside), and fills an empty place without expect", () => {
    const expected = { enum: ["NotRunning", "Running"], type: "number" };
    const { report, state, document } = apply(
      fix("s", { schema: "PluginStatus", set: { at: ["properties", "state"], value: numeric, expect: expected } }),
      fix("t", { schema: "PluginStatus", set: { at: ["properties", "label"], value: { type: "string" } } }),
    );
    expect(report.skipped).toEqual([]);
    expect(state).toEqual(numeric);
    expect(document.components.schemas.PluginStatus.properties.label).toEqual({ type: "string" });
  });

  it("reports a value that changed upstream", () => {
    const { report } = apply(
      fix("s", {
        schema: "PluginStatus",
        set: { at: ["properties", "state"], value: numeric, expect: { type: "number" } },
      }),
    );
    expect(report.skipped[0].why).toBe(
      'expected {"type":"number"} at properties > state, found {"type":"number","enum":["NotRunning","Running"]}',
    );
  });
});

describe("move", () => {
  const up = { from: [...SCHEMA, "items"], to: SCHEMA };

  it("does not overwrite what is left at `to` unless it expects it; the document stays as it was", () => {
    const { report, document } = apply(fix("m", { op: SCHEDULE, move: up }));
    expect(report.skipped).toEqual([
      {
        id: "m",
        why: 'move without expect would overwrite {"type":"object"} at responses > 200 > content > application/json > schema',
        at: "plugins.yaml:11",
      },
    ]);
    expect(document.paths["/api/v4/posts/schedule"].post.responses["200"].content["application/json"].schema).toEqual({
      type: "object",
      items: { $ref: "#/components/schemas/ScheduledPost" },
    });
  });

  it("moves when it expects what it discards, or when `to` is empty", () => {
    const moved = apply(fix("m", { op: SCHEDULE, move: { ...up, expect: { type: "object" } } }));
    expect(moved.report.skipped).toEqual([]);
    const schema = moved.document.paths["/api/v4/posts/schedule"].post.responses["200"].content["application/json"];
    expect(schema).toEqual({ schema: { $ref: "#/components/schemas/ScheduledPost" } });
    const renamed = apply(fix("r", { op: SCHEDULE, move: { from: ["responses", "200"], to: ["responses", "201"] } }));
    expect(renamed.report.skipped).toEqual([]);
  });

  it("replacing the target itself (to: []) expects the rest of the target", () => {
    const whole = { from: ["properties", "state"], to: [] };
    expect(apply(fix("w", { schema: "PluginStatus", move: whole })).report.skipped[0].why).toBe(
      'move without expect would overwrite {"type":"object","properties":{"id":{"type":"string"}}} at the target itself',
    );
    const expect_ = { type: "object", properties: { id: { type: "string" } } };
    const { report, document } = apply(fix("w", { schema: "PluginStatus", move: { ...whole, expect: expect_ } }));
    expect(report.skipped).toEqual([]);
    expect(document.components.schemas.PluginStatus).toEqual({ type: "number", enum: ["NotRunning", "Running"] });
  });
});

describe("merge", () => {
  const merge = (value: Record<string, unknown>, expect?: Record<string, unknown>) =>
    fix("g", { schema: "PluginStatus", merge: { at: ["properties", "state"], value, ...(expect ? { expect } : {}) } });

  it("adds keys, and keys it already has with the same value", () => {
    const { report, state } = apply(merge({ type: "number", description: "State" }));
    expect(report.skipped).toEqual([]);
    expect(state).toEqual({ type: "number", enum: ["NotRunning", "Running"], description: "State" });
  });

  it("reports keys it would overwrite, with their current values", () => {
    const { report, state } = apply(merge({ type: "integer", enum: [0, 1], description: "State" }));
    expect(report.skipped).toEqual([
      {
        id: "g",
        why:
          'merge without expect would overwrite type ("number"), enum (["NotRunning","Running"]) ' +
          "at properties > state",
        at: "plugins.yaml:18",
      },
    ]);
    expect(state.type).toBe("number");
  });

  it("overwrites the keys whose current value it states, and reports a stale statement", () => {
    const applied = apply(merge({ type: "integer" }, { type: "number" }));
    expect(applied.report.skipped).toEqual([]);
    expect(applied.state.type).toBe("integer");
    const stale = apply(merge({ type: "integer" }, { type: "string" }));
    expect(stale.report.skipped[0].why).toBe('expected "string" at type, found "number" at properties > state');
  });

  it("refuses an expect that is not a map of keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "matterapi-overlay-"));
    const path = join(dir, "overlay.yaml");
    writeFileSync(path, "fixes:\n  - id: g\n    reason: r\n    merge: { at: [a], value: { b: 1 }, expect: [ 1 ] }\n");
    expect(() => loadOverlay(path)).toThrow("overlay: fix g: merge.expect must map keys to the values they replace");
  });
});

describe.skipIf(!specAvailable())("our overlay", () => {
  it("states every value it replaces in this spec", () => {
    const replacing = loadOverlay(OVERLAY_PATH).fixes.filter((f) => f.set?.expect !== undefined || f.move?.expect);
    expect(replacing.length).toBeGreaterThanOrEqual(15);
    expect(generate(SPEC_PATH, OVERLAY_PATH).report.skipped).toEqual([]);
  });
});
