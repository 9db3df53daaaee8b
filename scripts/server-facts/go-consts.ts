/**
 * Evaluates Go constant expressions, as far as enum values need: string, rune and integer literals, iota,
 * references to other constants, conversions `T(x)`, parentheses and the arithmetic, shift and bit operators.
 * Integers are computed as bigint (Go constants are exact) and returned as numbers.
 */
import { GoSyntaxError, type Token } from "./go-lexer.js";

export type ConstValue = string | number | boolean;
type Value = string | bigint | number | boolean;

/** The value of another constant by name, or undefined when it is not known. */
export type ConstLookup = (name: string) => ConstValue | undefined;

const BINARY: Record<string, number> = {
  "*": 5,
  "/": 5,
  "%": 5,
  "<<": 5,
  ">>": 5,
  "&": 5,
  "&^": 5,
  "+": 4,
  "-": 4,
  "|": 4,
  "^": 4,
};

function parseNumber(text: string): bigint | number {
  const s = text.replaceAll("_", "");
  if (s.endsWith("i")) throw new Error(`complex constant ${text}`);
  if (/^0[xXbBoO]/.test(s)) return BigInt(s);
  if (/^0[0-7]+$/.test(s)) return BigInt(`0o${s.slice(1)}`);
  if (/^[0-9]+$/.test(s)) return BigInt(s);
  return Number(s);
}

function toExternal(v: Value): ConstValue {
  if (typeof v !== "bigint") return v;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`integer constant ${v} is too large for JSON`);
  return n;
}

function apply(op: string, a: Value, b: Value): Value {
  if (typeof a === "string" || typeof b === "string") {
    if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
    throw new Error(`operator ${op} on a string`);
  }
  if (typeof a === "boolean" || typeof b === "boolean") throw new Error(`operator ${op} on a boolean`);
  if (typeof a === "bigint" && typeof b === "bigint") {
    switch (op) {
      case "*":
        return a * b;
      case "/":
        return a / b;
      case "%":
        return a % b;
      case "<<":
        return a << b;
      case ">>":
        return a >> b;
      case "&":
        return a & b;
      case "&^":
        return a & ~b;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "|":
        return a | b;
      case "^":
        return a ^ b;
    }
  }
  const x = Number(a);
  const y = Number(b);
  if (op === "*") return x * y;
  if (op === "/") return x / y;
  if (op === "+") return x + y;
  if (op === "-") return x - y;
  throw new Error(`operator ${op} on a float`);
}

/** Evaluates one constant expression; throws GoSyntaxError (with the line) when it cannot. */
export function evaluateConst(tokens: Token[], iota: number, lookup: ConstLookup): ConstValue {
  let pos = 0;
  const line = tokens[0]?.line ?? 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => peek()?.kind === "op" && peek()!.value === value;

  const primary = (): Value => {
    const t = tokens[pos++];
    if (!t) throw new Error("incomplete expression");
    if (t.kind === "string") return t.value;
    if (t.kind === "char") return BigInt(t.value.codePointAt(0) ?? 0);
    if (t.kind === "number") return parseNumber(t.value);
    if (t.kind === "op" && t.value === "(") {
      const v = expression(0);
      if (!isOp(")")) throw new Error('expected ")"');
      pos++;
      return v;
    }
    if (t.kind !== "ident") throw new Error(`unexpected ${JSON.stringify(t.value)}`);
    if (isOp(".")) throw new Error(`constant from another package: ${t.value}.${tokens[pos + 1]?.value}`);
    if (isOp("(")) {
      // A conversion T(x) keeps the value; len("...") is the only builtin a constant may call here.
      pos++;
      const v = expression(0);
      if (!isOp(")")) throw new Error('expected ")"');
      pos++;
      if (t.value === "len") {
        if (typeof v !== "string") throw new Error("len of a non-string");
        return BigInt(Buffer.byteLength(v));
      }
      return v;
    }
    if (t.value === "iota") return BigInt(iota);
    if (t.value === "true" || t.value === "false") return t.value === "true";
    const v = lookup(t.value);
    if (v === undefined) throw new Error(`unknown constant ${t.value}`);
    return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
  };

  const unary = (): Value => {
    if (peek()?.kind === "op" && ["-", "+", "^", "!"].includes(peek()!.value)) {
      const op = tokens[pos++].value;
      const v = unary();
      if (op === "!") {
        if (typeof v !== "boolean") throw new Error("! on a non-boolean");
        return !v;
      }
      if (typeof v === "bigint") return op === "-" ? -v : op === "^" ? ~v : v;
      if (typeof v === "number" && op !== "^") return op === "-" ? -v : v;
      throw new Error(`operator ${op} on ${typeof v}`);
    }
    return primary();
  };

  const expression = (min: number): Value => {
    let left = unary();
    for (;;) {
      const t = peek();
      const prec = t?.kind === "op" ? BINARY[t.value] : undefined;
      if (prec === undefined || prec <= min) return left;
      pos++;
      left = apply(t!.value, left, expression(prec));
    }
  };

  try {
    if (tokens.length === 0) throw new Error("empty expression");
    const v = expression(0);
    if (pos < tokens.length) throw new Error(`unexpected ${JSON.stringify(tokens[pos].value)}`);
    return toExternal(v);
  } catch (e) {
    if (e instanceof GoSyntaxError) throw e;
    throw new GoSyntaxError(`cannot evaluate constant: ${(e as Error).message}`, line);
  }
}
