/**
 * matterapi/operations/unvalidated: matterapi/operations without response schemas, for apps that run with
 * `validation: "off"` and want no schema in their bundle. Answers are parsed, never checked, whatever the
 * client's `validation` option says.
 */
export * from "../generated/functions-unvalidated/index.js";
