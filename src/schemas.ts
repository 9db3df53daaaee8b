/**
 * matterapi/schemas: the runtime schemas generated from the spec (components by name; request bodies and query
 * objects under `requests`), and a check of any value against one of them.
 *
 *   import { requests, validate } from "matterapi/schemas";
 *   const issues = await validate(requests.CreateTeamBody, body); // [] when the body matches
 */
import type { ValidationIssue } from "./core/errors.js";
import type { Schema } from "./core/schema.js";
import { ResponseValidator } from "./core/validation.js";

export * as requests from "./generated/request-schemas.js";
export * from "./generated/schemas.js";
export type { Schema, ValidationIssue };

/** Every mismatch of `value` against `schema` (one per schema path), or [] when it matches. */
export async function validate(schema: Schema, value: unknown): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  new ResponseValidator((issue) => issues.push(issue)).check(schema, value, "lenient", schema.title ?? "value");
  return issues;
}
