/** Turns the (patched) OpenAPI document into the generator's model: operations grouped by tag, named, typed. */
import { type Locator, located } from "./load-spec.js";
import { groupName, methodName, typeName, upperFirst } from "./names.js";
import type { CursorPager, Overlay } from "./overlay.js";

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI schema objects are plain parsed YAML.
export type SchemaObject = any;

export type BodyKind = "json" | "multipart" | "binary";
export type ResponseKind = "json" | "binary" | "text" | "empty" | "unknown";

export interface Parameter {
  wire: string;
  required: boolean;
  schema: SchemaObject;
  description?: string | undefined;
}

export interface Operation {
  /** Stable operation name (operationId, or the overlay's name for one without). */
  id: string;
  method: string;
  path: string;
  group: string;
  /** Every tag the spec lists, as written (the first decides the group). */
  tags: string[];
  name: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: { kind: BodyKind; required: boolean; schema: SchemaObject; mediaType: string } | undefined;
  response: { kind: ResponseKind; status: string; schema?: SchemaObject; mediaType?: string };
  authenticated: boolean;
  doc: OperationDoc;
  pager?: Pager | undefined;
}

export interface OperationDoc {
  summary?: string | undefined;
  description?: string | undefined;
  permissions?: string | undefined;
  minVersion?: string | undefined;
  deprecated?: boolean | string | undefined;
}

export type Pager =
  | { kind: "page"; items?: string; postList?: boolean }
  | ({ kind: "cursor"; postList?: boolean; map?: boolean } & CursorPager);

export interface Model {
  operations: Operation[];
  groups: Map<string, Operation[]>;
  schemas: Record<string, SchemaObject>;
  warnings: string[];
  /** Where places of the spec are written, for warnings that name them (absent for a document built in memory). */
  locate?: Locator;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

export function buildModel(document: SchemaObject, overlay: Overlay, locate?: Locator): Model {
  const warnings: string[] = [];
  const operations: Operation[] = [];
  const usedIds = new Set<string>();

  for (const [path, item] of Object.entries<SchemaObject>(document.paths ?? {})) {
    if (!item || typeof item !== "object") continue;
    for (const method of METHODS) {
      const raw = item[method];
      if (!raw) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const warn = (message: string) => warnings.push(located(locate, ["paths", path, method], message));
      let id: string = raw.operationId ?? "";
      if (!id) {
        id = deriveOperationId(method, path);
        warn(`${key} has no operationId and no overlay name; named it ${id}`);
      }
      if (usedIds.has(id)) {
        const renamed = uniqueId(id, usedIds);
        warn(`${key} repeats operationId ${id}; named it ${renamed} (add a fix to the overlay)`);
        id = renamed;
      }
      usedIds.add(id);
      const tags: string[] = Array.isArray(raw.tags) && raw.tags.length > 0 ? raw.tags : ["default"];
      const group = overlay.tagGroups[tags[0]] ?? groupName(tags[0]);
      const params = [...(item.parameters ?? []), ...(raw.parameters ?? [])];
      const operation: Operation = {
        id,
        method: method.toUpperCase(),
        path,
        group,
        tags,
        name: methodName(id),
        pathParams: pathParameters(path, params, key, warn),
        queryParams: params.filter((p) => p?.in === "query").map(toParameter),
        body: requestBody(raw.requestBody, key, warn),
        response: successResponse(raw.responses ?? {}),
        // `security: []` on an operation overrides the global bearer requirement: send no token.
        authenticated: !(Array.isArray(raw.security) && raw.security.length === 0),
        doc: operationDoc(raw),
      };
      operation.pager = pagerFor(operation, overlay.cursorPagers[id], document);
      operations.push(operation);
    }
  }
  for (const id of Object.keys(overlay.cursorPagers)) {
    if (!usedIds.has(id)) warnings.push(`overlay has a cursor pager for ${id}, but the spec has no such operation`);
  }

  const groups = new Map<string, Operation[]>();
  for (const op of operations) groups.set(op.group, [...(groups.get(op.group) ?? []), op]);
  return { operations, groups, schemas: document.components?.schemas ?? {}, warnings, ...(locate ? { locate } : {}) };
}

function deriveOperationId(method: string, path: string): string {
  const verb =
    { get: "Get", put: "Update", post: "Create", delete: "Delete", patch: "Patch" }[method] ?? upperFirst(method);
  const parts = path
    .replace(/^\/api\/v4\//, "")
    .split("/")
    .filter((s) => s && !s.startsWith("{"))
    .map((s) => typeName(...s.split(/[^A-Za-z0-9]+/)));
  return verb + parts.join("");
}

function uniqueId(id: string, used: Set<string>): string {
  let n = 2;
  while (used.has(`${id}${n}`)) n++;
  return `${id}${n}`;
}

function toParameter(p: SchemaObject): Parameter {
  return {
    wire: p.name,
    required: p.required === true,
    schema: p.schema ?? { type: "string" },
    description: p.description,
  };
}

/** Path parameters in the order the URL template names them; an undeclared one becomes a required string. */
function pathParameters(path: string, params: SchemaObject[], key: string, warn: Warn): Parameter[] {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  return names.map((name) => {
    const declared = params.find((p) => p?.in === "path" && p.name === name);
    if (!declared) {
      warn(`${key} does not declare its path parameter {${name}}; treated as a required string`);
      return { wire: name, required: true, schema: { type: "string" } };
    }
    return { ...toParameter(declared), required: true };
  });
}

/** Records a warning about the operation being built, with its place in the spec. */
type Warn = (message: string) => void;

function requestBody(body: SchemaObject, key: string, warn: Warn): Operation["body"] {
  if (!body?.content) return undefined;
  const types = Object.keys(body.content);
  const pick = (kind: BodyKind, mediaType: string) => ({
    kind,
    mediaType,
    required: body.required === true,
    schema: body.content[mediaType]?.schema ?? {},
  });
  const json = types.find((t) => /json/i.test(t));
  if (json) return pick("json", json);
  const multipart = types.find((t) => /multipart\/form-data/i.test(t));
  if (multipart) return pick("multipart", multipart);
  const binary = types.find((t) => /octet-stream|^image\/|^application\/(zip|pdf|gzip)/i.test(t));
  if (binary) return pick("binary", binary);
  warn(`${key} has a request body of ${types.join(", ")}; sent as raw bytes`);
  return pick("binary", types[0]);
}

function successResponse(responses: SchemaObject): Operation["response"] {
  const codes = Object.keys(responses)
    .filter((c) => /^2\d\d$/.test(c))
    .sort();
  const status = codes.find((c) => responses[c]?.content) ?? codes[0];
  if (!status) return { kind: "unknown", status: "2XX" };
  const content = responses[status]?.content;
  if (!content || Object.keys(content).length === 0) {
    return { kind: status === "204" ? "empty" : "unknown", status };
  }
  const types = Object.keys(content);
  const json = types.find((t) => /json/i.test(t));
  if (json) {
    const schema = content[json]?.schema;
    return schema ? { kind: "json", status, schema, mediaType: json } : { kind: "unknown", status, mediaType: json };
  }
  const text = types.find((t) => /^text\//i.test(t));
  if (text) return { kind: "text", status, mediaType: text };
  return { kind: "binary", status, mediaType: types[0] };
}

function operationDoc(raw: SchemaObject): OperationDoc {
  const description: string = typeof raw.description === "string" ? raw.description : "";
  const minVersion = /__Minimum server version__:?\s*([0-9][0-9.]*)/i.exec(description)?.[1];
  const permissions = /#+\s*Permissions\s*\n+([\s\S]*?)(?=\n#+\s|\n__|$)/i.exec(description)?.[1]?.trim();
  // "Deprecated ..." or "Will be deprecated in v6.0" (a version long past) at the start of a line.
  const deprecatedText = /^[\s_*]*((?:will be )?deprecated\b[^\n]*)/im.exec(description);
  const body = description
    .replace(/#+\s*Permissions\s*\n+[\s\S]*?(?=\n#+\s|\n__|$)/i, "")
    .replace(/__Minimum server version__:?\s*[0-9][0-9.]*\.?/i, "")
    .trim();
  return {
    summary: raw.summary?.trim(),
    description: body || undefined,
    permissions: permissions || undefined,
    minVersion,
    deprecated: deprecatedText
      ? deprecatedText[1].replace(/[_*]+$/, "").trim()
      : raw.deprecated === true
        ? true
        : undefined,
  };
}

function pagerFor(op: Operation, cursor: CursorPager | undefined, document: SchemaObject): Pager | undefined {
  if (op.response.kind !== "json") return undefined;
  const schema = resolve(op.response.schema, document);
  const postList = refName(op.response.schema) === "PostList";
  if (cursor) {
    const items = cursor.items ? resolve(schema?.properties?.[cursor.items], document) : undefined;
    const map = items?.type === "object" && Boolean(items.additionalProperties);
    return { kind: "cursor", postList, ...cursor, ...(map ? { map } : {}) };
  }
  const query = new Set(op.queryParams.map((p) => p.wire));
  if (!query.has("page") || !query.has("per_page")) return undefined;
  if (schema?.type === "array") return { kind: "page" };
  if (postList) return { kind: "page", postList: true };
  // An object page: page through its one array field (e.g. {members: [...], total_member_count}).
  const arrays = Object.entries<SchemaObject>(schema?.properties ?? {}).filter(
    ([, s]) => resolve(s, document)?.type === "array",
  );
  return arrays.length === 1 ? { kind: "page", items: arrays[0][0] } : undefined;
}

export function refName(schema: SchemaObject): string | undefined {
  const ref: unknown = schema?.$ref;
  return typeof ref === "string" ? ref.replace(/^#\/components\/schemas\//, "") : undefined;
}

export function resolve(schema: SchemaObject, document: SchemaObject): SchemaObject {
  const name = refName(schema);
  return name ? document.components?.schemas?.[name] : schema;
}
