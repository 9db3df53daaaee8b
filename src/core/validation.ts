/**
 * Response validation, our pydantic. Each generated schema becomes, on first use, a tree of small check closures
 * (validation/compile.ts; cached per schema object), so the happy path is one pass over data the client already
 * parsed. Only when that check fails are the mismatches listed (validation/issues.ts): thrown in `strict` mode,
 * reported once per schema path in `lenient` mode (the data is returned as received, unknown keys kept).
 *
 * Nothing here builds code from strings (no `Function`, no `eval`), so it runs on pages whose
 * Content-Security-Policy forbids 'unsafe-eval', and it needs no loading step: it is small enough to ship in the
 * main bundle.
 */
import type { ValidationIssue } from "./errors.js";
import { ValidationError } from "./errors.js";
import type { Schema } from "./schema.js";
import { fastCheck } from "./validation/compile.js";
import { jsonType, listMismatches } from "./validation/issues.js";
import { describe } from "./validation/shape.js";

export { jsonType } from "./validation/issues.js";
export { schemaPath } from "./validation/schema-path.js";

export type ValidationMode = "lenient" | "strict" | "off";

export const VALIDATION_MODES: readonly ValidationMode[] = ["lenient", "strict", "off"];

export type IssueHandler = (issue: ValidationIssue) => void;

/** Checks responses for one client: remembers which mismatches it already reported. */
export class ResponseValidator {
  /** Made with the first issue reported. */
  private reported: Set<string> | undefined;

  constructor(private readonly onIssue: IssueHandler | undefined) {}

  /** Throws ValidationError in strict mode; reports new mismatches in lenient mode. */
  check(schema: Schema, data: unknown, mode: ValidationMode, operation: string): void {
    if (mode === "off") return;
    let tooDeep = false;
    try {
      if (fastCheck(schema)(data)) return;
    } catch (error) {
      // Data nested deeper than the stack allows, under a recursive schema: a mismatch, not a crash.
      if (!(error instanceof RangeError)) throw error;
      tooDeep = true;
    }
    const issues = collectIssues(schema, data, operation, mode === "strict" ? 25 : 50, tooDeep);
    if (mode === "strict") throw new ValidationError(issues);
    for (const issue of issues) this.report(issue);
  }

  /** Hands an issue to the hook unless this operation already reported one at the same schema path. */
  report(issue: ValidationIssue): void {
    if (!this.onIssue) return;
    const key = `${issue.operation}\u0000${issue.schemaPath}\u0000${issue.expected}`;
    this.reported ??= new Set();
    if (this.reported.has(key)) return;
    this.reported.add(key);
    try {
      this.onIssue(issue);
    } catch {
      // A failing hook must not turn a good response into an error.
    }
  }
}

function collectIssues(
  schema: Schema,
  data: unknown,
  operation: string,
  limit: number,
  tooDeep: boolean,
): ValidationIssue[] {
  const name = typeof schema.title === "string" ? schema.title : describe(schema);
  let mismatches: ReturnType<typeof listMismatches> = [];
  if (!tooDeep) {
    try {
      mismatches = listMismatches(schema, data, limit);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      tooDeep = true;
    }
  }
  const issues: ValidationIssue[] = mismatches.map((m) => ({ operation, schema: name, ...m }));
  if (issues.length === 0) {
    issues.push({
      operation,
      schema: name,
      path: "",
      schemaPath: "",
      expected: tooDeep ? "a value nested less deeply (checking it ran out of stack)" : "a value matching the schema",
      actual: jsonType(data),
    });
  }
  return issues;
}
