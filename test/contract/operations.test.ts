/**
 * Contract tests: every generated operation is called against Stoplight Prism serving the spec with our overlay.
 * Prism rejects any request that violates the spec (--errors: 422 and friends); each answer is parsed in strict
 * validation mode. The coverage (operations called / generated) is printed and must be 100%.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import type { Operation } from "../../generator/model.js";
import { operations as generatedOperations } from "../../src/generated/operations.js";
import { AsyncClient } from "../../src/index.js";
import { type PrismServer, startPrism } from "../helpers/prism.js";
import { sample } from "../helpers/samples.js";
import { OVERLAY_PATH, SPEC_PATH, specAvailable } from "../helpers/spec.js";

const run = specAvailable();
const { model, document } = run ? generate(SPEC_PATH, OVERLAY_PATH) : { model: undefined, document: undefined };

function argumentsFor(op: Operation): unknown[] {
  const args: unknown[] = op.pathParams.map((p) => {
    const value = sample(p.schema, document);
    return typeof value === "string" ? `${p.wire.replace(/_/g, "")}1` : value;
  });
  if (op.body) args.push(op.body.kind === "binary" ? new Uint8Array([1, 2, 3]) : sample(op.body.schema, document));
  if (op.queryParams.length > 0) {
    const query: Record<string, unknown> = {};
    for (const p of op.queryParams) if (p.required) query[p.wire] = sample(p.schema, document);
    args.push(query);
  }
  return args;
}

describe.skipIf(!run)("every operation against Prism", () => {
  let prism: PrismServer;
  let client: AsyncClient;
  const called = new Set<string>();

  beforeAll(async () => {
    prism = await startPrism();
    client = new AsyncClient({
      url: prism.url,
      auth: { token: "contract-test-token" },
      validation: "strict",
      maxRetries: 0,
    });
  });

  afterAll(async () => {
    await client?.close();
    await prism?.close();
    const total = generatedOperations.length;
    console.log(
      `contract coverage: ${called.size} / ${total} operations called (${((100 * called.size) / total).toFixed(1)}%)`,
    );
  });

  it("generates exactly the operations of the spec", () => {
    expect(generatedOperations.map((o) => o.id).sort()).toEqual(model?.operations.map((o) => o.id).sort());
  });

  for (const [group, ops] of model?.groups ?? []) {
    describe(group, () => {
      for (const op of ops) {
        it(`${op.name} (${op.method} ${op.path})`, async () => {
          const api = (client as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[
            group
          ];
          const result = await api[op.name](...argumentsFor(op));
          if (op.response.kind === "binary") expect(result).toBeInstanceOf(Uint8Array);
          if (op.response.kind === "json") expect(result).not.toBeUndefined();
          called.add(op.id);
        });
      }
    });
  }

  it("called every operation", () => {
    // Runs last (tests in a file run in order): every operation above must have succeeded.
    expect(called.size).toBe(generatedOperations.length);
  });
});
