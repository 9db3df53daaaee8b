/**
 * npx tsx scripts/server-facts/webapp-types.ts [--out <file>]   (default: spec/server/webapp-types.json)
 *
 * Writes the official @mattermost/types interfaces of two releases as data: the newest we compare with (the
 * package's own name, 11.9.0) and the one of the oldest server we support (the alias mattermost-types-10.11). Both
 * are devDependencies at exact versions; the JSON names each version and its tarball's integrity from
 * package-lock.json, so a fact in it can be traced to the published package.
 *
 * The TypeScript checker, not the syntax, reads the .d.ts files: `extends`, `&`, Omit and Partial are resolved into
 * the properties an object really has. Per exported interface, and per exported type alias that resolves to an
 * object (or an intersection of objects) with properties, each property gives: optional, a coarse kind, nullable,
 * the exported type it names (ref), and the checker's text. Functions and methods are left out.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DEFAULT_OUT = join(ROOT, "spec/server/webapp-types.json");
export const PACKAGE = "@mattermost/types";
/** The installed copies, relative to the repository: the newest release under its name, the oldest by an alias. */
export const PACKAGE_DIRS = ["node_modules/@mattermost/types", "node_modules/mattermost-types-10.11"];

export type Kind =
  | "string"
  | "number"
  | "boolean"
  | "array"
  | "object"
  | "map"
  | "literal"
  | "any"
  | "unknown"
  | "union";
export type Literal = string | number | boolean | null;

export interface Field {
  optional: boolean;
  kind: Kind;
  nullable?: true;
  /** The exported interface or alias the type is, or is an array or map of. */
  ref?: string;
  /** The members of a union of literals (or of an enum), sorted. */
  values?: Literal[];
  /** checker.typeToString, without the `| undefined` an optional property gets; at most 200 characters. */
  text: string;
}

export interface Declaration {
  file: string;
  /** A generic declaration's parameters, which its fields' text may name. */
  typeParameters?: string[];
  fields: Record<string, Field>;
}

export interface WebappTypes {
  package: string;
  note: string;
  sources: Record<string, { path: string; integrity?: string }>;
  versions: Record<string, Record<string, Declaration>>;
}

const MAX_TEXT = 200;
const PRINT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

type Exported = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

/** Exported interfaces and aliases of the files, in file order, keyed by name (Name@file.d.ts for a later twin). */
function exportedDeclarations(files: ts.SourceFile[], checker: ts.TypeChecker) {
  const keys = new Map<ts.Symbol, string>();
  const declarations: { key: string; symbol: ts.Symbol; decl: Exported; file: string }[] = [];
  for (const file of files) {
    const name = basename(file.fileName);
    for (const decl of file.statements) {
      if (!ts.isInterfaceDeclaration(decl) && !ts.isTypeAliasDeclaration(decl)) continue;
      if (!(ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Export)) continue;
      const symbol = checker.getSymbolAtLocation(decl.name);
      // A merged interface is one symbol with several declarations: keep the first.
      if (!symbol || keys.has(symbol)) continue;
      const taken = [...keys.values()].includes(decl.name.text);
      const key = taken ? `${decl.name.text}@${name}` : decl.name.text;
      keys.set(symbol, key);
      declarations.push({ key, symbol, decl, file: name });
    }
  }
  return { keys, declarations };
}

/** A plain object (not an array, a tuple or a function), or an intersection of such. */
function isObjectLike(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.isIntersection()) return type.types.every((t) => isObjectLike(t, checker));
  if (!(type.flags & ts.TypeFlags.Object)) return false;
  if (checker.isArrayType(type) || checker.isTupleType(type)) return false;
  return !isFunction(type, checker);
}

function isFunction(type: ts.Type, checker: ts.TypeChecker): boolean {
  return (
    checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0 &&
    checker.getPropertiesOfType(type).length === 0
  );
}

const LITERAL = ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral;

function literalValue(type: ts.Type, checker: ts.TypeChecker): Literal {
  if (type.isStringLiteral() || type.isNumberLiteral()) return type.value;
  return checker.typeToString(type) === "true";
}

function compareLiterals(a: Literal, b: Literal): number {
  const order = (v: Literal) => ["string", "number", "boolean", "object"].indexOf(typeof v);
  if (order(a) !== order(b)) return order(a) - order(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** A map: no named properties, only an index signature (Record<string, X>, { [k: string]: X }). */
function mapValueType(type: ts.Type, checker: ts.TypeChecker): ts.Type | undefined {
  if (checker.getPropertiesOfType(type).length > 0) return undefined;
  return checker.getIndexInfosOfType(type)[0]?.type;
}

/** The coarse kind of a type that no longer includes null or undefined. */
function kindOf(type: ts.Type, checker: ts.TypeChecker): { kind: Kind; values?: Literal[] } {
  const f = type.flags;
  if (f & ts.TypeFlags.Any) return { kind: "any" };
  if (f & (ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.Never)) return { kind: "unknown" };
  if (f & ts.TypeFlags.Boolean) return { kind: "boolean" };
  if (f & (ts.TypeFlags.StringLike & ~ts.TypeFlags.StringLiteral)) return { kind: "string" };
  if (f & (ts.TypeFlags.Number | ts.TypeFlags.BigInt)) return { kind: "number" };
  const members = type.isUnion() ? type.types : [type];
  if (members.every((m) => m.flags & LITERAL)) {
    const values = members.map((m) => literalValue(m, checker)).sort(compareLiterals);
    return { kind: "literal", values };
  }
  if (type.isUnion()) return { kind: "union" };
  if (checker.isArrayType(type) || checker.isTupleType(type)) return { kind: "array" };
  if (mapValueType(type, checker)) return { kind: "map" };
  if (f & (ts.TypeFlags.Object | ts.TypeFlags.Intersection | ts.TypeFlags.NonPrimitive)) return { kind: "object" };
  return { kind: "unknown" };
}

const WRAPPERS = new Set(["Partial", "Required", "Readonly"]);

function isGeneric(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.aliasSymbol) return (type.aliasTypeArguments?.length ?? 0) > 0;
  const reference = type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference;
  return Boolean(reference) && checker.getTypeArguments(type as ts.TypeReference).length > 0;
}

/**
 * The exported name a type is: its own when it has one and is not generic (PreferencesType), else that of the
 * elements or values of an array or map (Channel[], Record<string, Channel>, IDMappedObjects<Channel>).
 */
function refOf(type: ts.Type, checker: ts.TypeChecker, keys: Map<ts.Symbol, string>): string | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const own = symbol && keys.get(symbol);
  if (own && !isGeneric(type, checker)) return own;
  // Partial<ChannelNotifyProps> has the fields of the type it wraps, only optional or readonly.
  const wrapped = type.aliasSymbol && WRAPPERS.has(type.aliasSymbol.name) ? type.aliasTypeArguments?.[0] : undefined;
  if (wrapped) return refOf(wrapped, checker, keys);
  let inner: ts.Type | undefined;
  if (checker.isArrayType(type)) inner = checker.getTypeArguments(type as ts.TypeReference)[0];
  else if (!type.isUnion()) inner = mapValueType(type, checker);
  return (inner && refOf(checker.getNonNullableType(inner), checker, keys)) ?? own;
}

/**
 * The name written in the declaration, for an alias that itself includes null (AppFormValue): without null the
 * checker's type is a new union that no longer knows the alias.
 */
function declaredRef(prop: ts.Symbol, checker: ts.TypeChecker, keys: Map<ts.Symbol, string>): string | undefined {
  const decl = prop.valueDeclaration;
  let node = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
  if (node && ts.isUnionTypeNode(node)) {
    const rest = node.types.filter((t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
    node = rest.length === 1 && rest[0].kind !== ts.SyntaxKind.UndefinedKeyword ? rest[0] : undefined;
  }
  return node && ts.isTypeReferenceNode(node) ? refOf(checker.getTypeFromTypeNode(node), checker, keys) : undefined;
}

function describe(prop: ts.Symbol, checker: ts.TypeChecker, keys: Map<ts.Symbol, string>): Field | undefined {
  if (prop.flags & ts.SymbolFlags.Method) return undefined;
  const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
  const type = checker.getTypeOfSymbol(prop);
  const members = type.isUnion() ? type.types : [type];
  const nullable = members.some((m) => m.flags & ts.TypeFlags.Null);
  // getNonNullableType keeps an alias (ChannelType | null -> ChannelType); a type parameter would become NonNullable<T>.
  const bare = type.flags & ts.TypeFlags.TypeParameter ? type : checker.getNonNullableType(type);
  if (isFunction(bare, checker)) return undefined;
  let text = checker.typeToString(type, undefined, PRINT);
  // An optional property's type carries `| undefined`, printed last; the `optional` flag already says it.
  if (optional && text.endsWith(" | undefined")) text = text.slice(0, -" | undefined".length);
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT - 3) + "...";
  const onlyNull = bare.flags & ts.TypeFlags.Never && nullable;
  const { kind, values } = onlyNull ? { kind: "literal" as const, values: [null] } : kindOf(bare, checker);
  const ref = refOf(bare, checker, keys) ?? declaredRef(prop, checker, keys);
  return {
    optional,
    kind,
    ...(nullable && { nullable: true as const }),
    ...(ref && { ref }),
    ...(values && { values }),
    text,
  };
}

/** The object declarations of one installed copy of the package, keyed as exportedDeclarations says. */
export function extractVersion(libDir: string): Record<string, Declaration> {
  const names = readdirSync(libDir)
    .filter((f) => f.endsWith(".d.ts"))
    .sort();
  // strict, or `string | null` would lose its null; the default libraries include the DOM the types name (AbortSignal).
  const program = ts.createProgram(
    names.map((f) => join(libDir, f)),
    { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: [] },
  );
  const checker = program.getTypeChecker();
  const files = names.map((f) => program.getSourceFile(join(libDir, f))!);
  const { keys, declarations } = exportedDeclarations(files, checker);
  const out: Record<string, Declaration> = {};
  for (const { key, symbol, decl, file } of declarations) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    if (!isObjectLike(type, checker)) continue;
    const props = checker.getPropertiesOfType(type);
    // An alias without properties is a map or a generic mapped type (IDMappedObjects<E>): nothing to compare.
    if (ts.isTypeAliasDeclaration(decl) && props.length === 0) continue;
    const fields: Record<string, Field> = {};
    for (const prop of props) {
      const field = describe(prop, checker, keys);
      if (field) fields[prop.name] = field;
    }
    const typeParameters = decl.typeParameters?.map((p) => p.name.text);
    out[key] = { file, ...(typeParameters && { typeParameters }), fields };
  }
  return out;
}

/** Both installed versions, with where each came from. */
export function extractAll(root: string = ROOT): WebappTypes {
  const lockPath = join(root, "package-lock.json");
  const lock = existsSync(lockPath) ? JSON.parse(readFileSync(lockPath, "utf8")) : undefined;
  const result: WebappTypes = {
    package: PACKAGE,
    note: "Written by scripts/server-facts/webapp-types.ts from the published package's lib/*.d.ts; do not edit.",
    sources: {},
    versions: {},
  };
  for (const dir of PACKAGE_DIRS) {
    const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    if (pkg.name !== PACKAGE) throw new Error(`${dir} holds ${pkg.name}, not ${PACKAGE}`);
    if (result.versions[pkg.version]) throw new Error(`${dir}: version ${pkg.version} is installed twice`);
    const integrity: string | undefined = lock?.packages?.[dir]?.integrity;
    result.sources[pkg.version] = { path: `${dir}/lib`, ...(integrity && { integrity }) };
    result.versions[pkg.version] = extractVersion(join(root, dir, "lib"));
  }
  return result;
}

/**
 * Deterministic JSON: object keys sorted at every level, 2-space indent, trailing newline. Written as Biome formats
 * JSON (the repository's lint checks it): objects expanded, an array of plain values on one line when it fits.
 */
export function serialize(value: unknown): string {
  return toJson(value, "", 0, 0) + "\n";
}

const LINE_WIDTH = 120;

/** `prefix`: the columns before the value on its line; `suffix`: 1 when a comma follows it. */
function toJson(value: unknown, indent: string, prefix: number, suffix: number): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent + "  ";
  const items: [string, unknown][] = Array.isArray(value)
    ? value.map((v) => ["", v])
    : Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [JSON.stringify(k) + ": ", v]);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (items.length === 0) return open + close;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) {
    const line = "[" + value.map((v) => JSON.stringify(v)).join(", ") + "]";
    if (prefix + line.length + suffix <= LINE_WIDTH) return line;
  }
  const lines = items.map(([head, v], i) => {
    const start = inner + head;
    return start + toJson(v, inner, start.length, i < items.length - 1 ? 1 : 0);
  });
  return open + "\n" + lines.join(",\n") + "\n" + indent + close;
}

function main(argv: string[]) {
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && argv[i + 1] !== undefined) out = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (expected --out <file>)`);
  }
  const data = extractAll();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serialize(data));
  for (const [version, decls] of Object.entries(data.versions)) {
    const fields = Object.values(decls).reduce((n, d) => n + Object.keys(d.fields).length, 0);
    const files = new Set(Object.values(decls).map((d) => d.file)).size;
    console.log(`${PACKAGE}@${version}: ${Object.keys(decls).length} declarations, ${fields} fields, ${files} files`);
  }
  const shown = relative(ROOT, out);
  console.log(`wrote ${shown.startsWith("..") ? out : shown}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
