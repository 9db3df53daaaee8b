/**
 * A Go tokenizer, just enough to read declarations: comments are dropped (so backticks or braces in them are
 * harmless), strings are decoded, and semicolons are inserted at line ends by the language's own rule, so that a
 * struct field or const spec ends at its `;` whether or not the source wrote one.
 */

export type TokenKind = "ident" | "string" | "char" | "number" | "op" | ";";

export interface Token {
  kind: TokenKind;
  /** The decoded value for strings (interpreted or raw), the source text otherwise. */
  value: string;
  line: number;
}

/** Longest first, so that `<<=` wins over `<<` and `<`. */
const OPERATORS = "<<= >>= &^= ... && || <- ++ -- == != <= >= := << >> &^ += -= *= /= %= &= |= ^= ~".split(" ");
const SINGLE = "+-*/%&|^<>=!()[]{},;.:";
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER =
  /(?:0[xXbBoO][0-9a-fA-F_]+|[0-9][0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?|\.[0-9][0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/y;
/** Keywords after which a newline does not end the statement (the Go spec's semicolon rule). */
const OPEN_KEYWORDS = new Set(
  (
    "case chan const default defer else for func go goto if import interface map package range select struct " +
    "switch type var"
  ).split(" "),
);
const ENDS_LINE_OPS = new Set(["++", "--", ")", "]", "}"]);
const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

export class GoSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Decodes the body of an interpreted string or rune literal (between its quotes). */
function decodeEscapes(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/gs, (_, e: string) => {
    if (e.length === 1) return SIMPLE_ESCAPES[e] ?? e;
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
  });
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const endsLine = () => {
    const last = tokens.at(-1);
    if (!last || last.kind === ";") return false;
    if (last.kind === "ident") return !OPEN_KEYWORDS.has(last.value);
    if (last.kind === "op") return ENDS_LINE_OPS.has(last.value);
    return true; // literals
  };
  const newline = () => {
    if (endsLine()) tokens.push({ kind: ";", value: "\n", line });
    line++;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      newline();
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (src.startsWith("//", i)) {
      const end = src.indexOf("\n", i);
      i = end < 0 ? src.length : end;
    } else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) throw new GoSyntaxError("unterminated comment", line);
      const lines = src.slice(i, end).split("\n").length - 1;
      // A comment spanning lines acts like a newline.
      if (lines > 0) {
        newline();
        line += lines - 1;
      }
      i = end + 2;
    } else if (c === "`") {
      const end = src.indexOf("`", i + 1);
      if (end < 0) throw new GoSyntaxError("unterminated raw string", line);
      const text = src.slice(i + 1, end);
      tokens.push({ kind: "string", value: text.replaceAll("\r", ""), line });
      line += text.split("\n").length - 1;
      i = end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\n") throw new GoSyntaxError("newline in string", line);
        j += src[j] === "\\" ? 2 : 1;
      }
      if (j >= src.length) throw new GoSyntaxError("unterminated string", line);
      tokens.push({ kind: c === '"' ? "string" : "char", value: decodeEscapes(src.slice(i + 1, j)), line });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      if (!m) throw new GoSyntaxError(`bad number at ${JSON.stringify(src.slice(i, i + 10))}`, line);
      tokens.push({ kind: "number", value: m[0], line });
      i += m[0].length;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(src);
      if (m) {
        tokens.push({ kind: "ident", value: m[0], line });
        i += m[0].length;
        continue;
      }
      const op = OPERATORS.find((o) => src.startsWith(o, i)) ?? (SINGLE.includes(c) ? c : undefined);
      if (!op) throw new GoSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
      tokens.push({ kind: op === ";" ? ";" : "op", value: op, line });
      i += op.length;
    }
  }
  if (endsLine()) tokens.push({ kind: ";", value: "\n", line });
  return tokens;
}
