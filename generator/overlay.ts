/**
 * Our overlay of fixes to the upstream spec (spec/overlay.yaml). Each fix names its target, an action and the
 * reason; a fix whose target is gone (a newer spec fixed or moved it) is reported, never crashed on. A fix that
 * replaces a value the spec has states that value (`expect`), so that a changed upstream is reported for a person
 * to look at instead of being silently overwritten.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { DuplicateKey, Locator } from "./load-spec.js";

type Key = string | number;

interface Target {
  /** "METHOD /path": the fix applies inside that operation. */
  op?: string;
  /** A component schema name: the fix applies inside components.schemas[schema]. */
  schema?: string;
}

export interface Fix extends Target {
  id: string;
  /** The item of KNOWN-SPEC-ISSUES.md this fix answers, when it answers one. */
  issue?: string;
  reason: string;
  /** Keep one copy of a repeated mapping key (the loader already kept the last one). */
  duplicateKey?: { in: Key[]; key: string; keep: "last" };
  remove?: Key[];
  /** `expect` is required when `at` holds a value: the value being replaced. */
  set?: { at: Key[]; value: unknown; expect?: unknown };
  /** `expect` holds the current value of each key of `value` that the object has with a different value. */
  merge?: { at: Key[]; value: Record<string, unknown>; expect?: Record<string, unknown> };
  append?: { at: Key[]; value: unknown };
  /**
   * `expect` is required when `to` holds a value once the moved value is taken out of `from` (what the move
   * discards; with `to: []` the rest of the target).
   */
  move?: { from: Key[]; to: Key[]; expect?: unknown };
  /** Adds these names to the schema's `required` list (server always sends them). */
  require?: { at?: Key[]; fields: string[] };
  /** No change to the document: the generator handles it, this entry records how and why. */
  note?: string;
}

export interface Overlay {
  fixes: Fix[];
  /** Tag (as spelled in the spec) to group name, for tags whose mechanical normalisation is not what we want. */
  tagGroups: Record<string, string>;
  /** Cursor-paged list operations: how to read the next cursor from a page. */
  cursorPagers: Record<string, CursorPager>;
}

export interface CursorPager {
  /** Where the cursor travels: a query parameter (the default) or a field of the JSON body. */
  in?: "query" | "body";
  /** Query parameter (or body field) that carries the cursor. */
  param: string;
  /**
   * Where to read the next cursor: a field of the response (dot path), "last:<field>" of the last item, or
   * "postCursor" (a PostList walked by post id, the cursor chosen at run time: src/core/post-cursor.ts).
   */
  next: string;
  /** A second query parameter filled from the last item (Mattermost's reports API pages by value + id). */
  also?: { param: string; from: string };
  /** When the cursor field depends on a sort parameter: the field of the last item for each sort value. */
  nextBySort?: { param: string; fields: Record<string, string>; default: string };
  /** Response field holding the items when the response is not itself an array (a list, or a map by id). */
  items?: string;
  /**
   * Puts each page's items in order, for items that come as a map (which the server's JSON sorts by key): by the
   * item field a request parameter names, in the direction another names.
   */
  sortItems?: { field: { param: string; default: string }; direction: { param: string; default: "asc" | "desc" } };
}

export interface OverlayReport {
  applied: string[];
  /**
   * Fixes whose target is absent or has changed: the upstream spec moved on. `at` is where the target is written
   * (or its nearest ancestor that the spec has), when the spec was loaded from a file.
   */
  skipped: { id: string; why: string; at?: string }[];
  /** Duplicate keys the overlay does not account for, with where each copy is written. */
  unhandledDuplicates: (DuplicateKey & { at: string[] })[];
}

export function loadOverlay(path: string): Overlay {
  const raw = parse(readFileSync(path, "utf8")) ?? {};
  const overlay: Overlay = {
    fixes: raw.fixes ?? [],
    tagGroups: raw.tagGroups ?? {},
    cursorPagers: raw.cursorPagers ?? {},
  };
  const ids = new Set<string>();
  for (const fix of overlay.fixes) {
    if (!fix.id || !fix.reason) throw new Error(`overlay: every fix needs an id and a reason (${JSON.stringify(fix)})`);
    if (ids.has(fix.id)) throw new Error(`overlay: duplicate fix id ${fix.id}`);
    ids.add(fix.id);
    const actions = ["duplicateKey", "remove", "set", "merge", "append", "move", "require", "note"].filter(
      (a) => a in fix,
    );
    if (actions.length !== 1) throw new Error(`overlay: fix ${fix.id} must have exactly one action, has ${actions}`);
    const expect = fix.merge?.expect;
    if (expect !== undefined && (!isObject(expect) || Array.isArray(expect))) {
      throw new Error(`overlay: fix ${fix.id}: merge.expect must map keys to the values they replace`);
    }
  }
  return overlay;
}

// biome-ignore lint/suspicious/noExplicitAny: the spec is plain parsed YAML.
type Json = any;

export function applyOverlay(
  document: Json,
  overlay: Overlay,
  duplicates: DuplicateKey[],
  locate?: Locator,
): OverlayReport {
  const report: OverlayReport = { applied: [], skipped: [], unhandledDuplicates: [] };
  const handledDuplicates = new Set<string>();
  for (const fix of overlay.fixes) {
    const why = applyFix(document, fix, duplicates, handledDuplicates);
    if (why === null) report.applied.push(fix.id);
    else report.skipped.push({ id: fix.id, why, ...(locate ? { at: locate.where(targetPath(fix)) } : {}) });
  }
  report.unhandledDuplicates = duplicates
    .filter((d) => !handledDuplicates.has(duplicateId(d.path, d.key)))
    .map((d) => ({ ...d, at: d.lines.map((line) => (locate ? locate.line(line) : String(line))) }));
  return report;
}

/** The path in the document that a fix is about: its target plus the place its action names. */
function targetPath(fix: Fix): Key[] {
  if (fix.duplicateKey) return [...fix.duplicateKey.in, fix.duplicateKey.key];
  const op = fix.op ? /^(\S+)\s+(\S+)$/.exec(fix.op) : null;
  const base: Key[] = op
    ? ["paths", op[2], op[1].toLowerCase()]
    : fix.schema
      ? ["components", "schemas", fix.schema]
      : [];
  const inner = fix.remove ?? fix.set?.at ?? fix.merge?.at ?? fix.append?.at ?? fix.move?.from ?? fix.require?.at ?? [];
  return [...base, ...inner];
}

function duplicateId(path: Key[], key: string): string {
  return JSON.stringify([...path.map(String), key]);
}

/** Applies one fix; returns null when applied, or why it was not. */
function applyFix(document: Json, fix: Fix, duplicates: DuplicateKey[], handled: Set<string>): string | null {
  if (fix.note !== undefined) return null;
  if (fix.duplicateKey) {
    const id = duplicateId(fix.duplicateKey.in, fix.duplicateKey.key);
    if (!duplicates.some((d) => duplicateId(d.path, d.key) === id)) return "the key is no longer repeated";
    handled.add(id);
    return null;
  }
  const base = resolveTarget(document, fix);
  if (typeof base === "string") return base;
  if (fix.remove) {
    const parent = get(base, fix.remove.slice(0, -1));
    const last = fix.remove[fix.remove.length - 1];
    if (!isObject(parent) || !(last in parent)) return `nothing at ${fix.remove.join(" > ")}`;
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
    return null;
  }
  if (fix.set) {
    const current = get(base, fix.set.at);
    if ("expect" in fix.set) {
      if (!deepEqual(current, fix.set.expect)) {
        return `expected ${show(fix.set.expect)} at ${fix.set.at.join(" > ")}, found ${show(current)}`;
      }
    } else if (current !== undefined) {
      return `set without expect would overwrite ${show(current)} at ${fix.set.at.join(" > ")}`;
    }
    return put(base, fix.set.at, clone(fix.set.value));
  }
  if (fix.merge) {
    const current = get(base, fix.merge.at);
    if (current !== undefined && current !== null && !isObject(current)) {
      return `${fix.merge.at.join(" > ")} is not an object`;
    }
    const conflict = mergeConflict(current ?? {}, fix.merge.value, fix.merge.expect ?? {});
    if (conflict) return `${conflict} at ${fix.merge.at.join(" > ")}`;
    return put(base, fix.merge.at, { ...(current ?? {}), ...clone(fix.merge.value) });
  }
  if (fix.append) {
    const current = get(base, fix.append.at);
    if (current !== undefined && !Array.isArray(current)) return `${fix.append.at.join(" > ")} is not a list`;
    const value = clone(fix.append.value);
    if ((current ?? []).some((item: unknown) => deepEqual(item, value))) return "already present";
    return put(base, fix.append.at, [...(current ?? []), value]);
  }
  if (fix.move) {
    const parent = get(base, fix.move.from.slice(0, -1));
    const last = fix.move.from[fix.move.from.length - 1];
    if (!isObject(parent) || !(last in parent)) return `nothing at ${fix.move.from.join(" > ")}`;
    const discarded = discardedByMove(base, fix.move.from, fix.move.to);
    const to = fix.move.to.length > 0 ? fix.move.to.join(" > ") : "the target itself";
    if ("expect" in fix.move) {
      if (!deepEqual(discarded, fix.move.expect)) {
        return `expected ${show(fix.move.expect)} at ${to}, found ${show(discarded)}`;
      }
    } else if (discarded !== undefined) {
      return `move without expect would overwrite ${show(discarded)} at ${to}`;
    }
    const value = parent[last];
    delete parent[last];
    if (fix.move.to.length === 0) {
      // Replace the target itself, keeping the object's identity (it is referenced from its parent).
      for (const key of Object.keys(base)) delete base[key];
      Object.assign(base, value);
      return null;
    }
    return put(base, fix.move.to, value);
  }
  if (fix.require) {
    const schema = get(base, fix.require.at ?? []);
    if (!isObject(schema) || !isObject(schema.properties)) return "the target has no properties";
    const missing = fix.require.fields.filter((f) => !(f in schema.properties));
    if (missing.length > 0) return `no such properties: ${missing.join(", ")}`;
    schema.required = [...new Set([...(schema.required ?? []), ...fix.require.fields])];
    return null;
  }
  return "no action";
}

/**
 * Why merging `value` into `current` would lose a value nobody expected, or null. A key of `value` that the object
 * has with another value must be listed in `expect` with that value; every key of `expect` must match.
 */
function mergeConflict(current: Json, value: Record<string, unknown>, expect: Record<string, unknown>): string | null {
  for (const [key, expected] of Object.entries(expect)) {
    if (!deepEqual(current[key], expected)) return `expected ${show(expected)} at ${key}, found ${show(current[key])}`;
  }
  const overwritten = Object.keys(value).filter(
    (key) => current[key] !== undefined && !deepEqual(current[key], value[key]) && !(key in expect),
  );
  if (overwritten.length === 0) return null;
  const found = overwritten.map((key) => `${key} (${show(current[key])})`).join(", ");
  return `merge without expect would overwrite ${found}`;
}

/**
 * What a move throws away: the value at `to`, or, when `to` holds `from` (moving a value up), what is left of it
 * once the value is taken out (nothing if that is an empty object). The document is not changed.
 */
function discardedByMove(base: Json, from: Key[], to: Key[]): unknown {
  const holdsFrom = to.length < from.length && to.every((key, i) => String(key) === String(from[i]));
  if (!holdsFrom) return get(base, to);
  const rest = clone(get(base, to));
  const parent = get(rest, from.slice(to.length, -1));
  if (isObject(parent)) delete parent[from[from.length - 1]];
  return isObject(rest) && !Array.isArray(rest) && Object.keys(rest).length === 0 ? undefined : rest;
}

function resolveTarget(document: Json, target: Target): Json | string {
  if (target.op) {
    const match = /^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS)\s+(\S+)$/i.exec(target.op);
    if (!match) return `bad operation target "${target.op}" (want "METHOD /path")`;
    const operation = document.paths?.[match[2]]?.[match[1].toLowerCase()];
    return isObject(operation) ? operation : `no operation ${target.op}`;
  }
  if (target.schema) {
    const schema = document.components?.schemas?.[target.schema];
    return isObject(schema) ? schema : `no schema ${target.schema}`;
  }
  return document;
}

function get(node: Json, path: Key[]): Json {
  let current = node;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Sets a value, creating objects along the way (also where the spec has a null). */
function put(node: Json, path: Key[], value: unknown): string | null {
  if (path.length === 0) return "cannot set the target itself";
  let current = node;
  for (const key of path.slice(0, -1)) {
    if (current[key] === undefined || current[key] === null) current[key] = {};
    if (!isObject(current[key])) return `${key} is not an object`;
    current = current[key];
  }
  current[path[path.length - 1]] = value;
  return null;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null;
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** Equal as JSON values; the order of an object's keys does not matter (YAML mappings have no order). */
function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted(value[key])]),
  );
}

/** A value in a message: its JSON, shortened when long (the location says where to read it whole). */
function show(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 150)}...` : text;
}
