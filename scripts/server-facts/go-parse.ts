/**
 * Reads the top-level declarations of one Go file: type declarations (structs with their fields and tags, named
 * types, aliases, generics), const specs (with iota and Go's implicit repetition inside a block) and method
 * receivers. Function bodies and var initialisers are skipped by matching brackets; a declaration that cannot be
 * read is skipped up to its end and reported as a warning with its line.
 */
import { GoSyntaxError, type Token, tokenize } from "./go-lexer.js";

export type GoTypeExpr =
  | { t: "name"; name: string; pkg?: string; args?: GoTypeExpr[] | undefined; file?: string }
  | { t: "pointer" | "slice" | "array" | "chan"; elem: GoTypeExpr }
  | { t: "map"; key: GoTypeExpr; value: GoTypeExpr }
  | { t: "struct"; fields: GoFieldDecl[] }
  | { t: "interface" | "func" };

export interface GoFieldDecl {
  /** Undefined for an embedded (anonymous) field. */
  names?: string[] | undefined;
  type: GoTypeExpr;
  tag?: string | undefined;
  line: number;
}

export interface GoTypeDecl {
  name: string;
  line: number;
  typeParams: string[];
  alias: boolean;
  type: GoTypeExpr;
}

export interface GoMethodDecl {
  receiver: string;
  pointer: boolean;
  name: string;
  line: number;
}

/** One constant; a spec naming several constants gives one each. */
export interface GoConstSpec {
  name: string;
  line: number;
  type?: GoTypeExpr | undefined;
  /** Its expression's tokens (repeated from the previous spec when the block leaves it out). */
  expr?: Token[];
  iota: number;
}

export interface GoFileDecls {
  types: GoTypeDecl[];
  methods: GoMethodDecl[];
  consts: GoConstSpec[];
  warnings: { line: number; message: string }[];
}

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
const CLOSERS = new Set([")", "]", "}"]);

class Parser {
  private pos = 0;
  readonly out: GoFileDecls = { types: [], methods: [], consts: [], warnings: [] };

  constructor(private readonly tokens: Token[]) {}

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }
  private at(value: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    if (!t) return false;
    if (value === ";") return t.kind === ";";
    return (t.kind === "op" || t.kind === "ident") && t.value === value;
  }
  private fail(message: string): never {
    const t = this.peek() ?? this.tokens.at(-1);
    throw new GoSyntaxError(`${message}, found ${t ? JSON.stringify(t.value) : "end of file"}`, t?.line ?? 0);
  }
  private next(): Token {
    const t = this.peek();
    if (!t) this.fail("unexpected end of file");
    this.pos++;
    return t;
  }
  private expect(value: string): Token {
    if (!this.at(value)) this.fail(`expected ${JSON.stringify(value)}`);
    return this.next();
  }
  private ident(): Token {
    if (this.peek()?.kind !== "ident") this.fail("expected a name");
    return this.next();
  }
  /** Index of the bracket closing the one at `from`. */
  private matching(from: number): number {
    let depth = 0;
    for (let i = from; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.kind !== "op") continue;
      if (t.value in OPENERS) depth++;
      else if (CLOSERS.has(t.value) && --depth === 0) return i;
    }
    throw new GoSyntaxError("unbalanced brackets", this.tokens[from].line);
  }
  private skipBalanced(): Token[] {
    const end = this.matching(this.pos);
    const inner = this.tokens.slice(this.pos + 1, end);
    this.pos = end + 1;
    return inner;
  }
  /** Skips to the end of the current declaration or spec: a `;` outside brackets, or the block's closer. */
  private skipStatement(): void {
    while (this.peek()) {
      const t = this.peek()!;
      if (t.kind === ";") {
        this.pos++;
        return;
      }
      if (t.kind === "op" && CLOSERS.has(t.value)) return;
      if (t.kind === "op" && t.value in OPENERS) this.skipBalanced();
      else this.pos++;
    }
  }
  private endSpec(): void {
    if (this.at(";")) this.pos++;
    else if (this.peek() && !this.at(")")) this.fail("expected the end of the declaration");
  }

  parseFile(): GoFileDecls {
    while (this.peek()) {
      const start = this.pos;
      try {
        this.declaration();
      } catch (e) {
        if (!(e instanceof GoSyntaxError)) throw e;
        this.out.warnings.push({ line: e.line, message: e.message });
        this.pos = start + 1;
        this.skipStatement();
      }
    }
    return this.out;
  }

  private declaration(): void {
    const t = this.next();
    if (t.kind === ";") return;
    const keyword = t.kind === "ident" ? t.value : "";
    if (keyword === "package" || keyword === "import" || keyword === "var") this.skipStatement();
    else if (keyword === "const") this.group(() => this.constSpec());
    else if (keyword === "type") this.group(() => this.typeSpec());
    else if (keyword === "func") this.func(t.line);
    else throw new GoSyntaxError(`unexpected ${JSON.stringify(t.value)} at top level`, t.line);
  }

  /** `keyword spec` or `keyword ( spec; spec; ... )`; a spec that fails is reported and skipped alone. */
  private group(spec: () => void): void {
    this.iota = 0;
    this.previous = undefined;
    if (!this.at("(")) {
      spec();
      return;
    }
    this.next();
    while (!this.at(")")) {
      if (!this.peek()) this.fail("unterminated declaration group");
      if (this.at(";")) {
        this.next();
        continue;
      }
      const start = this.pos;
      try {
        spec();
      } catch (e) {
        if (!(e instanceof GoSyntaxError)) throw e;
        this.out.warnings.push({ line: e.line, message: e.message });
        this.pos = Math.max(start, this.pos);
        this.skipStatement();
        if (this.pos === start) this.pos++;
      }
      this.iota++;
    }
    this.next();
    this.endSpec();
  }

  private iota = 0;
  private previous: { type?: GoTypeExpr | undefined; exprs: Token[][] } | undefined;

  private constSpec(): void {
    const names = [this.ident()];
    while (this.at(",")) {
      this.next();
      names.push(this.ident());
    }
    let type: GoTypeExpr | undefined;
    let exprs: Token[][];
    if (this.at(";") || this.at(")")) {
      // Implicit repetition: the previous spec's type and expressions, with this spec's iota.
      if (!this.previous) this.fail("constant without a value");
      ({ type, exprs } = this.previous);
    } else {
      if (!this.at("=")) type = this.type();
      this.expect("=");
      exprs = this.expressionList();
      this.previous = { type, exprs };
    }
    names.forEach((n, i) => {
      if (n.value === "_") return;
      this.out.consts.push({ name: n.value, line: n.line, type, expr: exprs[i], iota: this.iota });
    });
    this.endSpec();
  }

  /** Tokens of comma-separated expressions up to the end of the spec. */
  private expressionList(): Token[][] {
    const list: Token[][] = [[]];
    while (this.peek() && !this.at(";") && !this.at(")")) {
      if (this.at(",")) {
        this.next();
        list.push([]);
      } else if (this.peek()!.kind === "op" && this.peek()!.value in OPENERS) {
        const open = this.peek()!;
        const inner = this.skipBalanced();
        list.at(-1)!.push(open, ...inner, this.tokens[this.pos - 1]);
      } else {
        list.at(-1)!.push(this.next());
      }
    }
    return list;
  }

  private typeSpec(): void {
    const name = this.ident();
    let typeParams: string[] = [];
    // `Name[T any]` declares type parameters; `Name [N]T` and `Name []T` are array and slice types.
    if (this.at("[") && this.peek(1)?.kind === "ident" && !this.at("]", 2)) {
      typeParams = this.typeParams();
    }
    const alias = this.at("=");
    if (alias) this.next();
    this.out.types.push({ name: name.value, line: name.line, typeParams, alias, type: this.type() });
    this.endSpec();
  }

  private typeParams(): string[] {
    const inner = this.skipBalanced();
    const names: string[] = [];
    let expectName = true;
    let depth = 0;
    for (const t of inner) {
      if (t.kind === "op" && t.value in OPENERS) depth++;
      else if (t.kind === "op" && CLOSERS.has(t.value)) depth--;
      if (depth === 0 && t.kind === "op" && t.value === ",") expectName = true;
      else if (expectName && t.kind === "ident") {
        names.push(t.value);
        expectName = false;
      }
    }
    return names;
  }

  private func(line: number): void {
    let receiver: { name: string; pointer: boolean } | undefined;
    if (this.at("(")) {
      // Drop type arguments (`PropertyOptions[T]`): the receiver's type is the last name left.
      const inner = this.skipBalanced();
      const flat: Token[] = [];
      let depth = 0;
      for (const t of inner) {
        if (t.kind === "op" && t.value === "[") depth++;
        else if (t.kind === "op" && t.value === "]") depth--;
        else if (depth === 0) flat.push(t);
      }
      const type = flat.filter((t) => t.kind === "ident").at(-1);
      if (!type) throw new GoSyntaxError("method without a receiver type", line);
      receiver = { name: type.value, pointer: flat.some((t) => t.value === "*") };
    }
    const name = this.ident();
    if (this.at("[")) this.skipBalanced();
    this.signature();
    if (this.at("{")) this.skipBalanced();
    if (receiver) this.out.methods.push({ receiver: receiver.name, pointer: receiver.pointer, name: name.value, line });
    this.endSpec();
  }

  private signature(): void {
    if (!this.at("(")) this.fail("expected parameters");
    this.skipBalanced();
    if (this.at("(")) this.skipBalanced();
    else if (this.startsType()) this.type();
  }

  private startsType(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.kind === "ident") return true;
    return t.kind === "op" && ["*", "[", "(", "<-"].includes(t.value);
  }

  type(): GoTypeExpr {
    const t = this.next();
    if (t.kind === "op") {
      if (t.value === "*") return { t: "pointer", elem: this.type() };
      if (t.value === "(") {
        const inner = this.type();
        this.expect(")");
        return inner;
      }
      if (t.value === "<-") {
        this.expect("chan");
        return { t: "chan", elem: this.type() };
      }
      if (t.value === "[") {
        if (this.at("]")) {
          this.next();
          return { t: "slice", elem: this.type() };
        }
        this.pos = this.matching(this.pos - 1) + 1;
        return { t: "array", elem: this.type() };
      }
    }
    if (t.kind !== "ident") throw new GoSyntaxError(`expected a type, found ${JSON.stringify(t.value)}`, t.line);
    switch (t.value) {
      case "map": {
        this.expect("[");
        const key = this.type();
        this.expect("]");
        return { t: "map", key, value: this.type() };
      }
      case "chan":
        if (this.at("<-")) this.next();
        return { t: "chan", elem: this.type() };
      case "func":
        this.signature();
        return { t: "func" };
      case "interface":
        if (!this.at("{")) this.fail('expected "{"');
        this.skipBalanced();
        return { t: "interface" };
      case "struct":
        return { t: "struct", fields: this.structBody() };
    }
    const named: GoTypeExpr & { t: "name" } = { t: "name", name: t.value };
    if (this.at(".")) {
      this.next();
      named.pkg = t.value;
      named.name = this.ident().value;
    }
    if (this.at("[")) {
      this.next();
      named.args = [];
      while (!this.at("]")) {
        named.args.push(this.type());
        if (this.at(",")) this.next();
        else if (!this.at("]")) this.fail('expected "," or "]"');
      }
      this.next();
    }
    return named;
  }

  private structBody(): GoFieldDecl[] {
    this.expect("{");
    const fields: GoFieldDecl[] = [];
    while (!this.at("}")) {
      if (!this.peek()) this.fail("unterminated struct");
      if (this.at(";")) {
        this.next();
        continue;
      }
      fields.push(this.field());
      if (this.at(";")) this.next();
      else if (!this.at("}")) this.fail("expected the end of the field");
    }
    this.next();
    return fields;
  }

  private field(): GoFieldDecl {
    const first = this.peek()!;
    const line = first.line;
    let names: string[] | undefined;
    if (first.kind === "ident" && !this.embedded()) {
      names = [this.next().value];
      while (this.at(",")) {
        this.next();
        names.push(this.ident().value);
      }
    }
    const type = this.type();
    const tag = this.peek()?.kind === "string" ? this.next().value : undefined;
    return { names, type, tag, line };
  }

  /** Whether the field at the cursor is embedded (a type name alone, maybe qualified or instantiated). */
  private embedded(): boolean {
    const after = this.peek(1);
    const ends = (t: Token | undefined) =>
      !t || t.kind === ";" || t.kind === "string" || (t.kind === "op" && t.value === "}");
    if (ends(after) || this.at(".", 1)) return true;
    if (this.at("[", 1) && !this.at("]", 2)) return ends(this.tokens[this.matching(this.pos + 1) + 1]);
    return false;
  }
}

/** The declarations of one Go source file. */
export function parseGoFile(src: string): GoFileDecls {
  let tokens: Token[];
  try {
    tokens = tokenize(src);
  } catch (e) {
    if (!(e instanceof GoSyntaxError)) throw e;
    return { types: [], methods: [], consts: [], warnings: [{ line: e.line, message: e.message }] };
  }
  return new Parser(tokens).parseFile();
}
