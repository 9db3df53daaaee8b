/**
 * How the server's encoding/json writes a model struct, as data: each record kind lists its Go struct's JSON fields
 * in struct order, marked as Go tags and types make them behave. `encode` writes a record that way, so an answer
 * has the server's keys, order, nulls and left-out fields.
 *
 * A field name may end with:
 * - `?`: `omitempty`: left out when it is Go's zero value (false, 0, "", nil, an empty slice or map);
 * - `*`: a pointer (or a nil-able slice or map) written as null when nil;
 * - `*?`: an omitempty pointer: left out only when nil (a pointer to "" is written).
 * A record value that is `undefined` is never written (Go has no such value: it stands for a nil omitempty pointer).
 */

type Marker = "" | "?" | "*" | "*?";
export type FieldSpec<T> = `${Extract<keyof T, string>}${Marker}`;

export interface GoField {
  json: string;
  omitempty: boolean;
  pointer: boolean;
}

export interface GoShape<T> {
  /** The Go struct and its file in server/public/model, and that file's commit (see ../shared PROVENANCE.md). */
  struct: string;
  file: string;
  commit: string;
  fields: readonly GoField[];
  /** Only for the type: the record kind this shape writes. */
  readonly record?: T;
}

export function goShape<T>(struct: string, file: string, commit: string, fields: readonly FieldSpec<T>[]): GoShape<T> {
  return {
    struct,
    file,
    commit,
    fields: fields.map((spec) => {
      const name = spec.replace(/[*?]+$/, "");
      const marker = spec.slice(name.length);
      return { json: name, omitempty: marker.endsWith("?"), pointer: marker.startsWith("*") };
    }),
  };
}

/** Go's zero value test for omitempty (a struct value is never empty; no record has an omitempty struct value). */
function isZero(value: unknown): boolean {
  if (value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/** The record as the server writes it: the struct's fields in order, omitempty fields left out when empty. */
export function encode<T>(shape: GoShape<T>, record: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const values = record as Record<string, unknown>;
  for (const field of shape.fields) {
    const value = values[field.json];
    if (value === undefined) continue;
    if (field.omitempty && (field.pointer ? value === null : isZero(value))) continue;
    out[field.json] = value;
  }
  return out;
}
