/**
 * The facts of a set of Go model files: structs (JSON fields, promoted embeds, fields never sent), named types,
 * enum values of named types (from typed constants), and which types encode themselves (MarshalJSON). Files are
 * read in name order; when two files declare the same name (copies from different commits), the first keeps the
 * name and the later ones are kept as `Name@file.go`, each file's references resolving to its own copy.
 */
import { type ConstValue, evaluateConst } from "./go-consts.js";
import { GoSyntaxError, type Token } from "./go-lexer.js";
import { type GoConstSpec, type GoTypeDecl, parseGoFile } from "./go-parse.js";
import { type DeclEntry, type GoEmbed, type GoField, type GoHidden, type GoType, TypeResolver } from "./go-types.js";

export interface GoSource {
  file: string;
  text: string;
}

export interface CustomMarshal {
  line: number;
  /** When the method is in another file than the type. */
  file?: string;
  /** MarshalJSON has a pointer receiver: encoding/json uses it only for addressable values and pointers. */
  pointerReceiver?: boolean;
}

export interface GoStructFacts {
  file: string;
  line: number;
  fields: GoField[];
  embeds?: GoEmbed[];
  hidden?: GoHidden[];
  customMarshal?: CustomMarshal;
  typeParams?: string[];
}

export interface GoNamedTypeFacts {
  file: string;
  line: number;
  type: GoType;
  alias?: boolean;
  typeParams?: string[];
  customMarshal?: CustomMarshal;
}

export interface GoEnumFacts {
  file: string;
  values: ConstValue[];
  lines: number[];
  names: string[];
}

export interface GoModelFacts {
  structs: Record<string, GoStructFacts>;
  types: Record<string, GoNamedTypeFacts>;
  enums: Record<string, GoEnumFacts>;
}

export interface Extraction {
  facts: GoModelFacts;
  /** Constructs that could not be read, as `file:line: message`. */
  warnings: string[];
  /** Things worth knowing that are not errors (duplicate declarations). */
  notes: string[];
  /** Type names that resolved to `any` for want of a definition, with how often. */
  unresolved: Map<string, number>;
}

interface ConstEntry {
  file: string;
  spec: GoConstSpec;
}

/** `T(...)` spanning the whole expression: a conversion that gives an otherwise untyped constant its type. */
function conversionType(tokens: Token[]): string | undefined {
  if (tokens.length < 3 || tokens[0].kind !== "ident" || tokens[1].value !== "(" || tokens.at(-1)!.value !== ")") {
    return undefined;
  }
  let depth = 0;
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i].kind !== "op") continue;
    if (tokens[i].value === "(") depth++;
    else if (tokens[i].value === ")" && --depth === 0 && i < tokens.length - 1) return undefined;
  }
  return tokens[0].value;
}

export function extractGoFacts(sources: GoSource[]): Extraction {
  const warnings: string[] = [];
  const notes: string[] = [];
  const files = [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const parsed = files.map((s) => ({ file: s.file, decls: parseGoFile(s.text) }));
  for (const { file, decls } of parsed) {
    for (const w of decls.warnings) warnings.push(`${file}:${w.line}: ${w.message}`);
  }

  // Keys: the first declaration of a name keeps it; later ones (other files) become Name@file.go.
  const entries = new Map<string, DeclEntry>();
  const first = new Map<string, string>();
  const local = new Map<string, Map<string, string>>();
  for (const { file, decls } of parsed) {
    const own = new Map<string, string>();
    local.set(file, own);
    for (const decl of decls.types) {
      if (own.has(decl.name)) {
        warnings.push(`${file}:${decl.line}: ${decl.name} is declared twice in the file; the second is ignored`);
        continue;
      }
      const earlier = first.get(decl.name);
      const key = earlier ? `${decl.name}@${file}` : decl.name;
      if (earlier) {
        notes.push(`${decl.name} is declared in ${entries.get(earlier)!.file} and ${file}: the latter kept as ${key}`);
      } else {
        first.set(decl.name, key);
      }
      own.set(decl.name, key);
      entries.set(key, { key, file, decl });
    }
  }
  const keyFor = (name: string, file: string) => local.get(file)?.get(name) ?? first.get(name);
  const resolver = new TypeResolver(entries, keyFor);

  const facts: GoModelFacts = { structs: {}, types: {}, enums: {} };
  for (const { key, file, decl } of entries.values()) {
    const scope = new Map(decl.typeParams.map((p) => [p, null]));
    const generic = decl.typeParams.length ? { typeParams: decl.typeParams } : {};
    if (!decl.alias && decl.type.t === "struct") {
      facts.structs[key] = {
        file,
        line: decl.line,
        ...resolver.structFields(decl.type.fields, file, scope),
        ...generic,
      };
    } else {
      const type = resolver.resolve(decl.type, file, scope);
      facts.types[key] = { file, line: decl.line, type, ...(decl.alias ? { alias: true } : {}), ...generic };
    }
  }

  for (const { file, decls } of parsed) {
    for (const m of decls.methods) {
      if (m.name !== "MarshalJSON") continue;
      const key = keyFor(m.receiver, file);
      const target = key === undefined ? undefined : (facts.structs[key] ?? facts.types[key]);
      if (!target) {
        warnings.push(`${file}:${m.line}: MarshalJSON on ${m.receiver}, which no file declares`);
        continue;
      }
      target.customMarshal = {
        line: m.line,
        ...(file !== target.file ? { file } : {}),
        ...(m.pointer ? { pointerReceiver: true } : {}),
      };
    }
  }

  collectEnums(parsed, keyFor, entries, facts, warnings);
  return { facts, warnings, notes, unresolved: resolver.unresolved };
}

/** Typed constants of named non-struct types, in file and source order, as enum values. */
function collectEnums(
  parsed: { file: string; decls: { consts: GoConstSpec[] } }[],
  keyFor: (name: string, file: string) => string | undefined,
  entries: Map<string, DeclEntry>,
  facts: GoModelFacts,
  warnings: string[],
): void {
  const byName = new Map<string, ConstEntry[]>();
  for (const { file, decls } of parsed) {
    for (const spec of decls.consts) byName.set(spec.name, [...(byName.get(spec.name) ?? []), { file, spec }]);
  }
  /** A name used in a file means that file's constant if it has one, else the first file's. */
  const find = (name: string, file: string) => {
    const all = byName.get(name);
    return all?.find((c) => c.file === file) ?? all?.[0];
  };
  const enumType = (decl: GoTypeDecl) => !decl.alias && !["struct", "interface", "func"].includes(decl.type.t);

  const typeOf = (c: ConstEntry, seen: Set<GoConstSpec>): string | undefined => {
    const { spec, file } = c;
    let name: string | undefined;
    if (spec.type) name = spec.type.t === "name" && !spec.type.pkg ? spec.type.name : undefined;
    else if (spec.expr) name = conversionType(spec.expr);
    if (name !== undefined) return keyFor(name, file);
    // `X = OtherTypedConst` takes that constant's type.
    if (spec.expr?.length === 1 && spec.expr[0].kind === "ident" && !seen.has(spec)) {
      const other = find(spec.expr[0].value, file);
      return other ? typeOf(other, new Set([...seen, spec])) : undefined;
    }
    return undefined;
  };

  const values = new Map<GoConstSpec, ConstValue>();
  const busy = new Set<GoConstSpec>();
  const constValue = ({ spec, file }: ConstEntry): ConstValue => {
    const known = values.get(spec);
    if (known !== undefined) return known;
    if (busy.has(spec)) throw new GoSyntaxError(`constant ${spec.name} refers to itself`, spec.line);
    if (!spec.expr) throw new GoSyntaxError(`constant ${spec.name} has no value`, spec.line);
    busy.add(spec);
    try {
      const value = evaluateConst(spec.expr, spec.iota, (name) => {
        const other = find(name, file);
        return other ? constValue(other) : undefined;
      });
      values.set(spec, value);
      return value;
    } finally {
      busy.delete(spec);
    }
  };

  for (const { file, decls } of parsed) {
    for (const spec of decls.consts) {
      const c = { file, spec };
      const key = typeOf(c, new Set());
      const entry = key === undefined ? undefined : entries.get(key);
      if (!key || !entry || !enumType(entry.decl)) continue;
      let value: ConstValue;
      try {
        value = constValue(c);
      } catch (e) {
        if (!(e instanceof GoSyntaxError)) throw e;
        warnings.push(`${file}:${spec.line}: ${spec.name}: ${e.message}`);
        continue;
      }
      facts.enums[key] ??= { file, values: [], lines: [], names: [] };
      const en = facts.enums[key];
      if (en.file !== file) warnings.push(`${file}:${spec.line}: ${spec.name} adds to enum ${key} of ${en.file}`);
      en.values.push(value);
      en.lines.push(spec.line);
      en.names.push(spec.name);
    }
  }
}
