/**
 * The server facts the generator reads beside the spec (spec/server/): the server's Go model structs as data
 * (go-structs.json, written by scripts/server-facts/go-structs.ts), the official @mattermost/types interfaces of
 * two releases (webapp-types.json, written by scripts/server-facts/webapp-types.ts), and our mapping and decisions
 * (models.yaml, hand-written). This module only loads and types them; reconcile.ts compares them with the spec.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

// The shapes of go-structs.json are declared once, by the script that writes it.
import type { GoField, GoType } from "../../scripts/server-facts/go-types.js";

export type { GoField, GoType };

export interface GoStruct {
  file: string;
  line: number;
  customMarshal?: { line: number };
  embeds?: { name: string; pointer: boolean; line: number }[];
  fields: GoField[];
  hidden?: { go: string; line: number }[];
}

export interface GoFacts {
  source: { repository: string; path: string };
  files: Record<string, { commit: string; note?: string }>;
  structs: Record<string, GoStruct>;
  types: Record<string, { file: string; line: number; type: GoType; customMarshal?: { line: number } }>;
  enums: Record<string, { file: string; values: (string | number)[]; lines: number[] }>;
}

export interface WebappField {
  optional: boolean;
  kind: string;
  nullable?: boolean;
  ref?: string;
  values?: unknown[];
  text: string;
}

export interface WebappFacts {
  package: string;
  versions: Record<string, Record<string, { file: string; fields: Record<string, WebappField> }>>;
}

/** What we decided about one field where the sources disagree (spec/server/models.yaml). */
export interface FieldDecision {
  /**
   * remove: the server never sends it; keep: keep the spec's field (sent by code the struct does not show);
   * optional: never required (context-dependent shapes); spec: keep the spec's type; server: the server's type,
   * reviewed (a context-dependent shape that the struct's type still covers); schema: use this schema.
   */
  action: "remove" | "keep" | "optional" | "spec" | "server" | "schema" | "notNull";
  schema?: Record<string, unknown>;
  reason: string;
}

export interface ModelMapping {
  /** The Go struct (default: the schema's own name). */
  go?: string;
  /** The @mattermost/types interface (default: the Go struct's name). */
  types?: string | null;
  /** Fields a custom MarshalJSON or the app layer adds, as schemas, always sent unless `optional` is listed. */
  adds?: Record<string, Record<string, unknown>>;
  fields?: Record<string, FieldDecision>;
  reason?: string;
}

export interface ModelsFile {
  /** The @mattermost/types release of the oldest server we support, and the newest we compare with. */
  oldest: string;
  newest: string;
  models: Record<string, ModelMapping>;
  /** Spec schemas named like a Go struct that we do not reconcile, with the reason. */
  skip: Record<string, string>;
}

export interface ServerFacts {
  go: GoFacts;
  webapp: WebappFacts;
  models: ModelsFile;
}

/** Loads spec/server/; undefined when the folder has no facts (a project without them generates from the spec). */
export function loadServerFacts(dir: string): ServerFacts | undefined {
  const paths = ["go-structs.json", "webapp-types.json", "models.yaml"].map((f) => join(dir, f));
  if (!paths.every((p) => existsSync(p))) return undefined;
  const [go, webapp] = paths.slice(0, 2).map((p) => JSON.parse(readFileSync(p, "utf8")));
  const raw = parse(readFileSync(paths[2], "utf8")) ?? {};
  const models: ModelsFile = { oldest: raw.oldest, newest: raw.newest, models: raw.models ?? {}, skip: raw.skip ?? {} };
  for (const v of [models.oldest, models.newest]) {
    if (!webapp.versions?.[v])
      throw new Error(`models.yaml names @mattermost/types ${v}, which webapp-types.json lacks`);
  }
  for (const [schema, mapping] of Object.entries(models.models)) {
    for (const [field, d] of Object.entries(mapping?.fields ?? {})) {
      if (!d?.action || !d.reason) throw new Error(`models.yaml: ${schema}.${field} needs an action and a reason`);
    }
  }
  return { go, webapp, models };
}
