/** Where the tests find Mattermost's spec, and what they do when it is missing. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const SPEC_PATH =
  process.env.MATTERMOST_OPENAPI_SPEC ?? join(ROOT, "../shared/mattermost-api/mattermost-openapi-v4.yaml");

export const OVERLAY_PATH = join(ROOT, "spec/overlay.yaml");

export const HOW_TO_GET_THE_SPEC =
  "Mattermost's OpenAPI spec was not found at " +
  SPEC_PATH +
  ". Assemble it from https://github.com/mattermost/mattermost/tree/master/api (make build-v4 writes " +
  "mattermost-openapi-v4.yaml) and put it at ../shared/mattermost-api/ beside this project, or point " +
  "MATTERMOST_OPENAPI_SPEC at it.";

/** True when the spec is present. In CI (MATTERAPI_REQUIRE_SPEC=1) a missing spec is an error, not a skip. */
export function specAvailable(): boolean {
  if (existsSync(SPEC_PATH)) return true;
  if (process.env.MATTERAPI_REQUIRE_SPEC === "1") throw new Error(`${HOW_TO_GET_THE_SPEC} (required in CI)`);
  console.warn(`Skipping the tests that need the spec. ${HOW_TO_GET_THE_SPEC}`);
  return false;
}
