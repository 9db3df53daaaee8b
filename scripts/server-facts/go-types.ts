/**
 * Go type expressions to the shape encoding/json gives them on the wire: the kinds of spec/server/go-structs.json
 * (string, integer, number, boolean, bytes, any, array, map, ref, object, time). Named non-struct types resolve to
 * their underlying kind with `named`; structs stay references; generic types are instantiated with their arguments.
 */
import type { GoFieldDecl, GoTypeDecl, GoTypeExpr } from "./go-parse.js";

export interface GoType {
  kind: "string" | "integer" | "number" | "boolean" | "bytes" | "any" | "array" | "map" | "ref" | "object" | "time";
  named?: string;
  name?: string;
  items?: GoType;
  pointerItems?: boolean;
  values?: GoType;
  pointerValues?: boolean;
  fields?: GoField[];
  embeds?: GoEmbed[];
  hidden?: GoHidden[];
  /** The Go type that could not be resolved to a JSON shape (another package's type, or one no file defines). */
  unresolved?: string;
  /** A type parameter of a generic declaration, uninstantiated. */
  typeParam?: string;
}

export interface GoField {
  json: string;
  go: string;
  line: number;
  omitempty: boolean;
  omitzero?: boolean;
  pointer?: boolean;
  untagged?: boolean;
  asString?: boolean;
  type: GoType;
}

export interface GoEmbed {
  name: string;
  pointer: boolean;
  line: number;
  unresolved?: boolean;
}

export interface GoHidden {
  go: string;
  line: number;
}

export interface DeclEntry {
  key: string;
  file: string;
  decl: GoTypeDecl;
}

const INTEGERS = "int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 uintptr byte rune".split(" ");
const BUILTIN: Record<string, GoType> = {
  string: { kind: "string" },
  bool: { kind: "boolean" },
  float32: { kind: "number" },
  float64: { kind: "number" },
  any: { kind: "any" },
  error: { kind: "any", unresolved: "error" },
  ...Object.fromEntries(INTEGERS.map((n) => [n, { kind: "integer" }])),
};
/** Types of other packages whose JSON form is known (encoding/json, time). */
const QUALIFIED: Record<string, GoType> = {
  "time.Time": { kind: "time" },
  "time.Duration": { kind: "integer" },
  "json.RawMessage": { kind: "any" },
  "json.Number": { kind: "number" },
};

/** Type parameters in scope: bound to an argument (annotated with the file it was written in) or unbound. */
type Scope = Map<string, GoTypeExpr | null>;

export const isExported = (name: string) => /^\p{Lu}/u.test(name);

/** Sets the file that names in an expression are looked up in, so that it can be moved into another file's decl. */
function annotate(expr: GoTypeExpr, file: string): GoTypeExpr {
  switch (expr.t) {
    case "name":
      return { ...expr, file: expr.file ?? file, args: expr.args?.map((a) => annotate(a, file)) };
    case "pointer":
    case "slice":
    case "array":
    case "chan":
      return { ...expr, elem: annotate(expr.elem, file) };
    case "map":
      return { ...expr, key: annotate(expr.key, file), value: annotate(expr.value, file) };
    default:
      return expr;
  }
}

interface JsonTag {
  name: string;
  options: string[];
  /** The whole tag value was "-": never encoded. */
  skip: boolean;
}

/** The json key of a struct tag (key:"value" pairs separated by spaces, as reflect.StructTag reads them). */
export function jsonTag(tag: string | undefined): JsonTag | undefined {
  if (tag === undefined) return undefined;
  for (const m of tag.matchAll(/(?:^|\s+)([^\s:"]+):"((?:[^"\\]|\\.)*)"/g)) {
    if (m[1] !== "json") continue;
    const value = JSON.parse(`"${m[2]}"`) as string;
    const [name, ...options] = value.split(",");
    return { name, options, skip: value === "-" };
  }
  return undefined;
}

export class TypeResolver {
  /** Names no file defines and other packages' types, with how often they were met. */
  readonly unresolved = new Map<string, number>();

  constructor(
    private readonly entries: Map<string, DeclEntry>,
    /** The key a name has when used in a file: the file's own declaration, else the first one. */
    private readonly keyFor: (name: string, file: string) => string | undefined,
  ) {}

  private miss(name: string): GoType {
    this.unresolved.set(name, (this.unresolved.get(name) ?? 0) + 1);
    return { kind: "any", unresolved: name };
  }

  /** The declaration a type name resolves to (after aliases), if any. */
  entryFor(name: string, file: string): DeclEntry | undefined {
    const key = this.keyFor(name, file);
    return key === undefined ? undefined : this.entries.get(key);
  }

  scopeFor(decl: GoTypeDecl, args: GoTypeExpr[] | undefined, argFile: string): Scope {
    return new Map(decl.typeParams.map((p, i) => [p, args?.[i] ? annotate(args[i], argFile) : null]));
  }

  /** Follows a type parameter to its argument, so that `[]T` with T = *X is seen as a slice of pointers. */
  private bound(expr: GoTypeExpr, scope: Scope): GoTypeExpr {
    if (expr.t === "name" && !expr.pkg && scope.get(expr.name)) return scope.get(expr.name)!;
    return expr;
  }

  /** Strips pointers: the type, and whether there was one. */
  deref(expr: GoTypeExpr, file: string, scope: Scope = new Map()): { pointer: boolean; type: GoType } {
    let e = this.bound(expr, scope);
    let pointer = false;
    while (e.t === "pointer") {
      pointer = true;
      e = this.bound(e.elem, scope);
    }
    return { pointer, type: this.resolve(e, file, scope) };
  }

  resolve(expr: GoTypeExpr, file: string, scope: Scope = new Map(), stack: string[] = []): GoType {
    switch (expr.t) {
      case "pointer":
      case "chan":
        return expr.t === "chan" ? { kind: "any", unresolved: "chan" } : this.resolve(expr.elem, file, scope, stack);
      case "slice":
      case "array": {
        const elem = this.bound(expr.elem, scope);
        if (expr.t === "slice" && elem.t === "name" && !elem.pkg && (elem.name === "byte" || elem.name === "uint8")) {
          return { kind: "bytes" };
        }
        const { pointer, type } = this.deref(elem, file, scope);
        return pointer ? { kind: "array", items: type, pointerItems: true } : { kind: "array", items: type };
      }
      case "map": {
        const { pointer, type } = this.deref(expr.value, file, scope);
        return pointer ? { kind: "map", values: type, pointerValues: true } : { kind: "map", values: type };
      }
      case "struct":
        return { kind: "object", ...this.structFields(expr.fields, file, scope) };
      case "interface":
        return { kind: "any" };
      case "func":
        return { kind: "any", unresolved: "func" };
      case "name":
        return this.named(expr, file, scope, stack);
    }
  }

  private named(expr: GoTypeExpr & { t: "name" }, file: string, scope: Scope, stack: string[]): GoType {
    const where = expr.file ?? file;
    if (expr.pkg) {
      const qualified = `${expr.pkg}.${expr.name}`;
      return QUALIFIED[qualified] ? { ...QUALIFIED[qualified] } : this.miss(qualified);
    }
    if (scope.has(expr.name)) {
      const arg = scope.get(expr.name);
      return arg ? this.resolve(arg, where, new Map(), stack) : { kind: "any", typeParam: expr.name };
    }
    const entry = this.entryFor(expr.name, where);
    if (!entry) return BUILTIN[expr.name] ? { ...BUILTIN[expr.name] } : this.miss(expr.name);
    const { decl } = entry;
    const inner = this.scopeFor(decl, expr.args, where);
    if (decl.alias) return this.resolve(decl.type, entry.file, inner, stack);
    if (decl.type.t === "struct") return { kind: "ref", name: entry.key };
    if (stack.includes(entry.key)) return this.miss(entry.key);
    return { ...this.resolve(decl.type, entry.file, inner, [...stack, entry.key]), named: entry.key };
  }

  /** The JSON fields of a struct body: tagged and untagged fields, promoted embeds, and fields never sent. */
  structFields(decls: GoFieldDecl[], file: string, scope: Scope = new Map()) {
    const fields: GoField[] = [];
    const embeds: GoEmbed[] = [];
    const hidden: GoHidden[] = [];
    for (const decl of decls) {
      const tag = jsonTag(decl.tag);
      const names = decl.names ?? [this.embeddedName(decl.type)];
      for (const go of names) {
        if (tag?.skip) {
          if (isExported(go)) hidden.push({ go, line: decl.line });
          continue;
        }
        if (decl.names && !isExported(go)) continue;
        const { pointer, type } = this.deref(decl.type, file, scope);
        // An embedded struct without a json name has its fields promoted (even from an unexported type).
        const unknown = type.unresolved !== undefined && !["error", "func", "chan"].includes(type.unresolved);
        if (!decl.names && !tag?.name && (type.kind === "ref" || unknown)) {
          const embed: GoEmbed = { name: type.kind === "ref" ? type.name! : go, pointer, line: decl.line };
          if (type.kind !== "ref") embed.unresolved = true;
          embeds.push(embed);
          continue;
        }
        if (!isExported(go)) continue;
        const omitempty = tag?.options.includes("omitempty") ?? false;
        const field: GoField = { json: tag?.name || go, go, line: decl.line, omitempty, type };
        if (tag?.options.includes("omitzero")) field.omitzero = true;
        if (tag?.options.includes("string")) field.asString = true;
        if (pointer) field.pointer = true;
        if (!tag) field.untagged = true;
        fields.push(field);
      }
    }
    return { fields, ...(embeds.length ? { embeds } : {}), ...(hidden.length ? { hidden } : {}) };
  }

  /** An embedded field is named after its type, without package or pointer. */
  private embeddedName(type: GoTypeExpr): string {
    let e = type;
    while (e.t === "pointer") e = e.elem;
    return e.t === "name" ? e.name : "?";
  }
}
