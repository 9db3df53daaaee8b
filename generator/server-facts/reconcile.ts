/**
 * Makes the spec's response models say what the server sends. For every component an answer can contain and that
 * stands for a server struct, each field is compared with the struct (spec/server/go-structs.json) and with
 * @mattermost/types (the oldest supported release decides what is always there; the newest is a cross-check):
 *
 * - a field the server sends and the spec lacks is added, with the server's type;
 * - a type the server contradicts is replaced by the server's, unless @mattermost/types sides with the spec
 *   (then somebody has to decide, in spec/server/models.yaml);
 * - a field the server may write as null (a nil pointer, slice, map or interface without omitempty) is nullable;
 * - a field is required exactly when the struct always writes it (no omitempty) and the oldest supported server
 *   surely sent it (@mattermost/types of that release has it as a required property); any other is optional;
 * - a spec field the struct never writes is removed when models.yaml says so, or when the struct hides it
 *   (json:"-"); otherwise it is undecided;
 * - values of the server's enums are listed for the type but never checked (a newer server may add some).
 *
 * Every change is recorded as a drift entry (what the spec says, what the server sends, the source, the decision);
 * entries nobody decided make `generate:check` fail.
 */
import type { SchemaObject } from "../model.js";
import type { GoStruct, ServerFacts } from "./facts.js";
import { type GoSchemaContext, goSchema, kindOf, nilable, withNull } from "./go-schema.js";
import {
  changed,
  coarse,
  coarseKind,
  compatible,
  describe,
  documented,
  extended,
  flatten,
  inheritedFields,
  learnMapping,
  looseName,
  openEnum,
  ownPart,
  withSpecDoc,
} from "./shapes.js";

export { responseRoots } from "./shapes.js";

export type DriftKind =
  | "missing"
  | "type"
  | "nullable"
  | "required"
  | "optional"
  | "never-sent"
  | "enum"
  | "custom-encoding"
  | "new-model";

export interface DriftEntry {
  schema: string;
  field: string;
  kind: DriftKind;
  spec: string;
  server: string;
  source: string;
  decision: string;
  decided: boolean;
}

export interface DriftReport {
  entries: DriftEntry[];
  /** Component name -> the Go struct it was compared with. */
  reconciled: Map<string, string>;
  /** Components answers can contain that no server struct stands for. */
  withoutFacts: string[];
}

export function reconcile(document: SchemaObject, facts: ServerFacts, responseRoots: Set<string>): DriftReport {
  const components: Record<string, SchemaObject> = document.components.schemas;
  const { go, webapp, models } = facts;
  const entries: DriftEntry[] = [];
  const reconciled = new Map<string, string>();
  /** Go struct -> the component that stands for it. */
  const componentOfStruct = new Map<string, string>();
  const queue: string[] = [];
  const created = new Set<string>();

  const structOf = (schema: string): string | undefined => {
    if (models.skip[schema] !== undefined) return undefined;
    const name = models.models[schema]?.go ?? schema;
    return go.structs[name] ? name : undefined;
  };
  const bind = (schema: string, struct: string) => {
    if (reconciled.has(schema)) return;
    reconciled.set(schema, struct);
    if (!componentOfStruct.has(struct)) componentOfStruct.set(struct, schema);
    queue.push(schema);
  };
  for (const [schema, mapping] of Object.entries(models.models)) {
    const struct = mapping.go ?? schema;
    if (go.structs[struct] && components[schema] && !componentOfStruct.has(struct))
      componentOfStruct.set(struct, schema);
  }

  const ctx: GoSchemaContext = {
    componentFor(struct) {
      // A model we chose not to compare (models.yaml skip) is still the one to refer to; it is left as it is.
      if (models.skip[struct] !== undefined && components[struct]) return struct;
      const known = componentOfStruct.get(struct) ?? (structOf(struct) === struct ? struct : undefined);
      if (known && components[known]) {
        bind(known, struct);
        return known;
      }
      // A struct the spec has no model for: a new component, named after it.
      let name = struct;
      for (let n = 2; components[name] && reconciled.get(name) !== struct; n++) name = `${struct}${n}`;
      if (!components[name]) {
        components[name] = { type: "object", properties: {} };
        created.add(name);
        const s = go.structs[struct];
        const what = `struct ${struct}, ${s ? flatten(s, go.structs).length : 0} fields`;
        entries.push(entry(name, "", "new-model", "nothing", what, source(s), "added from the server"));
      }
      bind(name, struct);
      return name;
    },
    enumOf: (named) => go.enums[named]?.values,
  };
  const source = (s: GoStruct | undefined, line?: number): string =>
    s ? `${s.file}:${line ?? s.line} (${go.files[s.file]?.commit?.slice(0, 10) ?? "?"})` : "";

  for (const name of [...responseRoots].sort()) {
    const struct = structOf(name);
    if (struct && components[name]) bind(name, struct);
  }

  const deferred = new Set<string>();
  while (queue.length > 0) {
    const schemaName = queue.shift() as string;
    // A model that extends another (allOf) waits for it: the fields added there are then inherited, not copied.
    const bases = extended(components[schemaName]).filter((b) => queue.includes(b));
    if (bases.length > 0 && !deferred.has(schemaName)) {
      deferred.add(schemaName);
      for (const base of bases) queue.splice(queue.indexOf(base), 1);
      queue.unshift(...bases, schemaName);
      continue;
    }
    const structName = reconciled.get(schemaName) as string;
    const struct = go.structs[structName];
    const mapping = models.models[schemaName] ?? {};
    const decisions = mapping.fields ?? {};
    const typesName = mapping.types === null ? undefined : (mapping.types ?? structName);
    const oldest = typesName ? webapp.versions[models.oldest]?.[typesName] : undefined;
    const newest = typesName ? webapp.versions[models.newest]?.[typesName] : undefined;
    const target = ownPart(components[schemaName]);
    const inherited = inheritedFields(components[schemaName], components);
    const fields = flatten(struct, go.structs).filter((f) => !inherited.has(f.json));
    // A model made from a struct is reported once (new-model), not field by field.
    const isNew = created.has(schemaName);
    const report = (
      field: string,
      kind: DriftKind,
      spec: string,
      server: string,
      line: number | undefined,
      d: string,
    ) => {
      if (isNew && kind !== "custom-encoding") return;
      entries.push({ ...entry(schemaName, field, kind, spec, server, source(struct, line), d), decided: d !== "" });
    };

    if (struct.customMarshal) {
      const decided = mapping.adds !== undefined || mapping.reason !== undefined;
      report(
        "",
        "custom-encoding",
        "",
        "MarshalJSON",
        struct.customMarshal.line,
        decided ? (mapping.reason ?? "fields added below") : "",
      );
    }

    const required = new Set<string>(target.required ?? []);
    // Kept from the first pass over a document, so that reconciling a reconciled document changes nothing.
    const requestRequired: string[] = components[schemaName]["x-request-required"] ?? [...required];
    const added = new Set<string>(components[schemaName]["x-server-added"] ?? []);
    const sent = new Set<string>();
    for (const field of fields) {
      sent.add(field.json);
      const decision = decisions[field.json];
      const before = target.properties[field.json];
      learnMapping(before, field.type, components, (n) => (models.skip[n] !== undefined ? n : structOf(n)), bind);
      const server = withNull(
        goSchema(field.type, ctx, field.asString),
        nilable(field) && decision?.action !== "notNull",
      );
      const serverKind = kindOf(server, components);
      const alwaysSent = !field.omitempty;
      // Whether the oldest supported server surely sent it: @mattermost/types of that release relies on it (a
      // required property); without such an interface, the spec documented it.
      const oldField = oldest?.fields[field.json];
      const inOldest = oldest ? oldField !== undefined && !oldField.optional : documented(before, added, field.json);
      const must = alwaysSent && inOldest && decision?.action !== "optional";

      if (before === undefined) added.add(field.json);
      // A decided type; a decision that changes nothing (a second pass) is no drift.
      const decideType = (after: SchemaObject) => {
        const was = describe(before, components);
        target.properties[field.json] = after;
        if (changed(before, after))
          report(field.json, "type", was, serverKind, field.line, `decided: ${decision?.reason}`);
      };
      if (decision?.action === "schema") {
        decideType({ ...decision.schema });
      } else if (before === undefined) {
        target.properties[field.json] = server;
        const why = newest && !(field.json in newest.fields) ? ` (not in @mattermost/types ${models.newest})` : "";
        report(field.json, "missing", "nothing", serverKind, field.line, `added${why}`);
      } else if (decision?.action === "server") {
        decideType(withSpecDoc(server, before));
      } else if (decision?.action === "spec") {
        report(
          field.json,
          "type",
          describe(before, components),
          serverKind,
          field.line,
          `kept the spec's: ${decision.reason}`,
        );
      } else if (!compatible(kindOf(before, components), serverKind)) {
        const types = newest?.fields[field.json];
        const sidesWithSpec =
          types !== undefined &&
          coarse(types) === coarseKind(kindOf(before, components)) &&
          coarse(types) !== coarseKind(serverKind);
        target.properties[field.json] = withSpecDoc(server, before);
        report(
          field.json,
          "type",
          describe(before, components),
          serverKind,
          field.line,
          sidesWithSpec ? "" : "the server's type",
        );
      } else {
        const after = openEnum(before, server);
        if (after !== before) target.properties[field.json] = after;
        if (after !== before && before.enum) {
          report(field.json, "enum", JSON.stringify(before.enum), "open", field.line, "values listed, not checked");
        }
        if (server.nullable === true && target.properties[field.json].nullable !== true) {
          target.properties[field.json] = { ...target.properties[field.json], nullable: true };
          report(field.json, "nullable", "never null", "may be null", field.line, "nullable");
        }
      }
      if (must && !required.has(field.json)) {
        required.add(field.json);
        report(field.json, "required", "optional", "always sent", field.line, "required");
      } else if (!must && required.has(field.json)) {
        required.delete(field.json);
        const why = !alwaysSent
          ? "omitempty"
          : !inOldest
            ? `${oldField ? "optional" : "absent"} in @mattermost/types ${models.oldest}`
            : decision?.reason;
        report(
          field.json,
          "optional",
          "required",
          alwaysSent ? "not always sent" : "omitempty",
          field.line,
          `optional: ${why}`,
        );
      }
    }

    for (const [field, schema] of Object.entries(mapping.adds ?? {})) {
      sent.add(field);
      if (!target.properties[field]) {
        target.properties[field] = { ...schema };
        report(
          field,
          "missing",
          "nothing",
          kindOf(schema, components),
          undefined,
          "added (custom encoding, models.yaml)",
        );
      }
      const optional = decisions[field]?.action === "optional";
      if (optional && required.delete(field)) {
        report(field, "optional", "required", "not always sent", undefined, `optional: ${decisions[field].reason}`);
      } else if (!optional && !required.has(field)) {
        required.add(field);
        report(field, "required", "optional", "always sent", undefined, "required (custom encoding, models.yaml)");
      }
    }

    for (const field of Object.keys(target.properties)) {
      if (inherited.has(field) && !sent.has(field)) {
        // Declared again beside the model it extends (ChannelWithTeamData.policy_id): that model's field decides.
        delete target.properties[field];
        required.delete(field);
        report(field, "type", "declared twice", "one field", undefined, "the extended model's field decides");
        continue;
      }
      if (sent.has(field)) continue;
      const decision = decisions[field];
      const hidden = struct.hidden?.find((h) => looseName(h.go) === looseName(field));
      if (decision?.action === "keep") {
        report(field, "never-sent", "documented", "not in the struct", undefined, `kept: ${decision.reason}`);
        required.delete(field);
      } else if (decision?.action === "remove" || hidden) {
        delete target.properties[field];
        required.delete(field);
        report(
          field,
          "never-sent",
          "documented",
          hidden ? 'json:"-"' : "not in the struct",
          hidden?.line,
          `removed${decision ? `: ${decision.reason}` : " (hidden)"}`,
        );
      } else {
        report(field, "never-sent", "documented", "not in the struct", undefined, "");
      }
    }
    for (const field of Object.keys(decisions)) {
      if (!sent.has(field) && !(field in target.properties) && decisions[field].action !== "remove") {
        throw new Error(`models.yaml: ${schemaName}.${field} is decided but neither the spec nor the server has it`);
      }
    }
    if (required.size > 0) target.required = [...required].filter((f) => f in target.properties);
    else delete target.required;
    // The spec's own required list describes what a request must carry (emit-schema.ts requestView).
    components[schemaName]["x-server-struct"] = structName;
    components[schemaName]["x-request-required"] = requestRequired.filter((f) => f in target.properties);
    const ownAdded = [...added].filter((f) => f in target.properties);
    if (ownAdded.length > 0) components[schemaName]["x-server-added"] = ownAdded;
  }

  const stale = Object.keys(models.models).filter((n) => !reconciled.has(n));
  if (stale.length > 0) {
    throw new Error(`models.yaml maps ${stale.join(", ")}, which no answer compared with the server contains`);
  }
  const withoutFacts = [...responseRoots].filter((n) => !reconciled.has(n) && components[n]).sort();
  return { entries, reconciled, withoutFacts };
}

function entry(
  schema: string,
  field: string,
  kind: DriftKind,
  spec: string,
  server: string,
  src: string,
  decision: string,
): DriftEntry {
  return { schema, field, kind, spec, server, source: src, decision, decided: true };
}
