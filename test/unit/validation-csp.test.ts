/**
 * Validation on a page whose Content-Security-Policy lacks 'unsafe-eval': no code may be built from strings.
 * The validator and the generated schemas are bundled and run in a `node:vm` context that forbids code
 * generation (`eval` and `Function` throw EvalError there, as under such a CSP); a real PostList must pass strict
 * validation there and a wrong one must fail with a ValidationError, not an EvalError.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { ResponseValidator } from "../../src/core/validation.js";
import { PostList } from "../../src/generated/schemas.js";
import { ROOT } from "../helpers/spec.js";

const postList = JSON.parse(readFileSync(join(ROOT, "test/fixtures/server/post-list.json"), "utf8")).body;

/** A copy of `postList` with one post's create_at a string. */
function brokenPostList(): unknown {
  const copy = structuredClone(postList);
  const first = copy.order[0];
  copy.posts[first].create_at = "yesterday";
  return copy;
}

describe("validation without eval", () => {
  let context: vm.Context;

  beforeAll(async () => {
    const entry = [
      `export { ResponseValidator } from ${JSON.stringify(join(ROOT, "src/core/validation.ts"))};`,
      `export { PostList } from ${JSON.stringify(join(ROOT, "src/generated/schemas.ts"))};`,
    ].join("\n");
    const bundle = await build({
      stdin: { contents: entry, resolveDir: ROOT, loader: "ts" },
      bundle: true,
      format: "iife",
      globalName: "matterapi",
      platform: "neutral",
      write: false,
      logLevel: "silent",
    });
    context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
    vm.runInContext(bundle.outputFiles[0].text, context);
  }, 60_000);

  /** Runs a strict check inside the sandbox; returns the name of what was thrown, or "ok". */
  function checkInSandbox(data: unknown): { outcome: string; message?: string } {
    context.input = JSON.stringify(data);
    return vm.runInContext(
      `(() => {
        try {
          const validator = new matterapi.ResponseValidator(undefined);
          validator.check(matterapi.PostList, JSON.parse(input), "strict", "GetPostsForChannel");
          return { outcome: "ok" };
        } catch (error) {
          return { outcome: error.name, message: error.message };
        }
      })()`,
      context,
    );
  }

  it("the sandbox does forbid code generation (else the test would prove nothing)", () => {
    expect(() => vm.runInContext(`new Function("return 1")`, context)).toThrow(/Code generation from strings/);
    expect(() => vm.runInContext(`eval("1")`, context)).toThrow(/Code generation from strings/);
  });

  it("a real PostList passes strict validation", () => {
    expect(checkInSandbox(postList)).toEqual({ outcome: "ok" });
  });

  it("a wrong PostList fails with a ValidationError naming the place", () => {
    const result = checkInSandbox(brokenPostList());
    expect(result.outcome).toBe("ValidationError");
    expect(result.message).toMatch(
      /^response of GetPostsForChannel does not match PostList at \/posts\/\w+\/create_at:/,
    );
  });

  it("in this process too, with eval and Function replaced by throwing versions while schemas compile", () => {
    const forbidden = () => {
      throw new EvalError("code generation is forbidden here");
    };
    // Saved to be put back, not called.
    // biome-ignore lint/security/noGlobalEval: the point is to replace it.
    const saved = { Function: globalThis.Function, eval: globalThis.eval };
    // A fresh copy of the schema graph, so that it is compiled now, under the ban, not found in the cache.
    const schema = structuredClone(PostList);
    Object.assign(globalThis, { Function: forbidden, eval: forbidden });
    try {
      const validator = new ResponseValidator(undefined);
      expect(() => validator.check(schema, postList, "strict", "GetPostsForChannel")).not.toThrow();
      expect(() => validator.check(schema, brokenPostList(), "strict", "GetPostsForChannel")).toThrow(ValidationError);
    } finally {
      Object.assign(globalThis, saved);
    }
  });
});
