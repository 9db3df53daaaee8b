/** Naming rules shared by every part of the generator. */

const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "arguments",
  "eval",
]);

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** "GetUser" -> "getUser", "CreateCPAField" -> "createCPAField" (operationIds keep their inner capitals). */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An operationId to a method name: only the first letter changes, after dropping characters TS cannot use. */
export function methodName(operationId: string): string {
  const cleaned = operationId.replace(/[^A-Za-z0-9_$]/g, "");
  // A leading run of capitals is an acronym ("LDAPSync"): lower all but the last of it.
  const acronym = /^([A-Z]+)(?=[A-Z][a-z])/.exec(cleaned);
  if (acronym) return acronym[1].toLowerCase() + cleaned.slice(acronym[1].length);
  return /^[A-Z]+$/.test(cleaned) ? cleaned.toLowerCase() : lowerFirst(cleaned);
}

/** "shared channels" -> "sharedChannels", "OAuth" -> "oauth", "outgoing_oauth_connections" -> "outgoingOauthConnections". */
export function groupName(tag: string): string {
  // Split on separators only: a tag's inner capitals are spelling ("OAuth", "LDAP"), not word breaks.
  const parts = tag
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  return parts.map((w, i) => (i === 0 ? w : upperFirst(w))).join("");
}

/** A tag's group to the class name of its module: "sharedChannels" -> "SharedChannelsApi". */
export function groupClassName(group: string): string {
  return `${upperFirst(group)}Api`;
}

/** A wire name to a TS identifier for a positional parameter: "user_id" -> "userId". */
export function paramIdentifier(wire: string): string {
  const parts = words(wire);
  const id = parts.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : upperFirst(w))).join("");
  return RESERVED.has(id) ? `${id}_` : id;
}

/** A name for a TS type: "CreateTeam" + "Body" -> "CreateTeamBody". */
export function typeName(...parts: string[]): string {
  return parts.map((p) => upperFirst(p.replace(/[^A-Za-z0-9_]/g, ""))).join("");
}

/** A property key as TS source: bare when it is an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}
