/**
 * The fast check: each schema becomes, once and on first use, a tree of small closures (one per schema node) that
 * answer "does this value match?" and nothing more. No code is generated from strings (no `Function`, no `eval`),
 * so validation works under a Content-Security-Policy without 'unsafe-eval'. Errors are listed by the walker in
 * issues.ts, which runs only when this check fails.
 */
import type { Schema } from "../schema.js";
import { branchesOf, isPlainObject, ownKind } from "./shape.js";

export type Check = (value: unknown) => boolean;

/** Accepts anything. Kept as one function so that combinations can leave it out. */
export const ANY: Check = () => true;

const compiled = new WeakMap<Schema, Check>();
/** Schemas being compiled right now: a reference back to one of them (a recursive schema) goes through its cell. */
const inProgress = new Map<Schema, { check: Check | undefined }>();

/** The schema's check, compiled on first use and cached for the schema object's lifetime. */
export function fastCheck(schema: Schema): Check {
  // Not a schema (`items: true` in a hand-written one): nothing to check, and no WeakMap key either.
  if (typeof schema !== "object" || schema === null) return ANY;
  const done = compiled.get(schema);
  if (done) return done;
  const pending = inProgress.get(schema);
  if (pending) return (value) => (pending.check as Check)(value);
  const cell: { check: Check | undefined } = { check: undefined };
  inProgress.set(schema, cell);
  try {
    cell.check = build(schema);
    compiled.set(schema, cell.check);
    return cell.check;
  } finally {
    inProgress.delete(schema);
  }
}

/**
 * A value matches when it is null and the schema is nullable, or when it matches the schema's own shape (type,
 * enum, properties), every allOf part, and one branch of oneOf and of anyOf (both are read as "at least one").
 */
function build(schema: Schema): Check {
  const parts: Check[] = [ownCheck(schema)];
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) parts.push(fastCheck(part));
  for (const branches of branchesOf(schema)) parts.push(anyOf(branches.map(fastCheck)));
  const check = allOf(parts.filter((part) => part !== ANY));
  if (schema.nullable !== true || check === ANY) return check;
  return (value) => value === null || check(value);
}

function allOf(checks: Check[]): Check {
  if (checks.length === 0) return ANY;
  if (checks.length === 1) return checks[0];
  if (checks.length === 2) {
    const [first, second] = checks;
    return (value) => first(value) && second(value);
  }
  return (value) => {
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

function anyOf(checks: Check[]): Check {
  if (checks.includes(ANY)) return ANY;
  if (checks.length === 1) return checks[0];
  return (value) => {
    for (const check of checks) if (check(value)) return true;
    return false;
  };
}

const isString: Check = (value) => typeof value === "string";
const isInteger: Check = (value) => Number.isInteger(value);
/** Finite only, as JSON numbers are (NaN and Infinity are no JSON). */
const isNumber: Check = (value) => Number.isFinite(value);
const isBoolean: Check = (value) => typeof value === "boolean";
const isObject: Check = isPlainObject;
const isArray: Check = Array.isArray;

/** The schema's own type, enum or object shape, ignoring allOf/oneOf/anyOf and nullable. */
function ownCheck(schema: Schema): Check {
  const kind = ownKind(schema);
  switch (kind) {
    case "enum": {
      const values = new Set(schema.enum);
      return (value) => values.has(value);
    }
    case "string":
      return isString;
    case "integer":
      return isInteger;
    case "number":
      return isNumber;
    case "boolean":
      return isBoolean;
    case "array":
      return arrayCheck(schema.items);
    case "object":
      return objectCheck(schema);
    default:
      return ANY;
  }
}

function arrayCheck(items: Schema | undefined): Check {
  const item = items ? fastCheck(items) : ANY;
  if (item === ANY) return isArray;
  const leaf = items ? leafOf(items) : LEAF_CALL;
  if (leaf === LEAF_STRING && items?.nullable !== true) {
    // Lists of ids, the commonest array in answers: no call per element.
    return (value) => {
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return false;
      return true;
    };
  }
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
    return true;
  };
}

/**
 * What the object loop knows of a property, packed in one byte: how to check it without a call when it is a JSON
 * primitive (most properties are), whether it takes null, whether it is required.
 */
const LEAF_CALL = 0;
const LEAF_ANY = 1;
const LEAF_STRING = 2;
const LEAF_INTEGER = 3;
const LEAF_NUMBER = 4;
const LEAF_BOOLEAN = 5;
const LEAF_MASK = 7;
const NULLABLE = 8;
const REQUIRED = 16;
/** Required, and undefined does not pass its check (it does when any value goes: then present is enough). */
const DEFINED = 32;

function leafOf(schema: Schema): number {
  if (typeof schema !== "object" || schema === null || schema.allOf || schema.oneOf || schema.anyOf) return LEAF_CALL;
  switch (ownKind(schema)) {
    case "any":
      return LEAF_ANY;
    case "string":
      return LEAF_STRING;
    case "integer":
      return LEAF_INTEGER;
    case "number":
      return LEAF_NUMBER;
    case "boolean":
      return LEAF_BOOLEAN;
    default:
      return LEAF_CALL;
  }
}

/**
 * An object with properties: one loop over the value's own keys (`for...in` reads each value through the object's
 * enumeration cache, the cheapest property read there is without generated code), each key found in a small open
 * addressing table of the schema's properties (cheaper than a Map: a hash of the key's length and two characters,
 * then a comparison of interned strings); required properties are counted rather than looked up.
 */
function objectCheck(schema: Schema): Check {
  const properties = schema.properties && typeof schema.properties === "object" ? schema.properties : {};
  const keys = Object.keys(properties);
  const extra = schema.additionalProperties ? fastCheck(schema.additionalProperties) : ANY;
  if (keys.length === 0) return extra === ANY ? isObject : mapCheck(extra);

  const requiredKeys = new Set(Array.isArray(schema.required) ? schema.required : []);
  let size = 8;
  while (size < keys.length * 2) size *= 2; // at most half full, so that a miss ends soon
  const mask = size - 1;
  const slotKeys = new Array<string | undefined>(size).fill(undefined);
  const slotFlags = new Uint8Array(size);
  const slotChecks = new Array<Check>(size).fill(ANY);
  let requiredCount = 0;
  for (const key of keys) {
    let slot = hash(key) & mask;
    while (slotKeys[slot] !== undefined && slotKeys[slot] !== key) slot = (slot + 1) & mask;
    const check = fastCheck(properties[key]);
    let flags = leafOf(properties[key]);
    if (properties[key]?.nullable === true) flags |= NULLABLE;
    if (requiredKeys.has(key)) {
      requiredCount++;
      flags |= REQUIRED;
      if (check !== ANY) flags |= DEFINED;
    }
    slotKeys[slot] = key;
    slotFlags[slot] = flags;
    slotChecks[slot] = check;
  }

  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const object = value as Record<string, unknown>;
    let present = 0;
    for (const key in object) {
      const item = object[key];
      let slot = hash(key) & mask;
      let found = slotKeys[slot];
      while (found !== key && found !== undefined) {
        slot = (slot + 1) & mask;
        found = slotKeys[slot];
      }
      if (found === undefined) {
        if (extra !== ANY && !extra(item)) return false;
        continue;
      }
      const flags = slotFlags[slot];
      if (flags & REQUIRED) present++;
      if (item === undefined) {
        if (flags & DEFINED) return false;
        continue;
      }
      switch (flags & LEAF_MASK) {
        case LEAF_ANY:
          break;
        case LEAF_STRING:
          if (typeof item !== "string" && !(item === null && flags & NULLABLE)) return false;
          break;
        case LEAF_INTEGER:
          if (!Number.isInteger(item) && !(item === null && flags & NULLABLE)) return false;
          break;
        case LEAF_NUMBER:
          if (!Number.isFinite(item) && !(item === null && flags & NULLABLE)) return false;
          break;
        case LEAF_BOOLEAN:
          if (typeof item !== "boolean" && !(item === null && flags & NULLABLE)) return false;
          break;
        default:
          if (!slotChecks[slot](item)) return false;
      }
    }
    return present === requiredCount;
  };
}

/** Cheap and good enough for property names (an empty name hashes to 0: charCodeAt gives NaN). */
function hash(key: string): number {
  const length = key.length;
  return (length * 7 + key.charCodeAt(0) * 31 + key.charCodeAt(length - 1)) | 0;
}

/** A map (only additionalProperties, like PostList.posts): one loop over its keys. */
function mapCheck(values: Check): Check {
  return (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const object = value as Record<string, unknown>;
    for (const key in object) if (!values(object[key])) return false;
    return true;
  };
}
