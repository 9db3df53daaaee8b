/**
 * Interactive dialogs as the server reads and checks them (model/integration_action.go,
 * 02c023520cfd595183e4512996170b2fd97cc7f2): `readOpenDialogRequest` decodes like encoding/json into
 * OpenDialogRequest (a field of the wrong JSON type fails the decode; missing fields are Go's zero values) and
 * writes it back as the struct does; `dialogProblems` lists what Dialog.IsValid would reject (title length, element
 * types, lengths, options, date formats, duplicate names).
 */

type Json = Record<string, unknown>;

const STRING_FIELDS = ["callback_id", "title", "introduction_text", "icon_url", "submit_label", "state", "source_url"];
const ELEMENT_STRINGS = [
  "display_name",
  "name",
  "type",
  "subtype",
  "default",
  "placeholder",
  "help_text",
  "data_source",
  "data_source_url",
  "min_date",
  "max_date",
];
const ELEMENT_INTS = ["min_length", "max_length", "time_interval"];
const ELEMENT_BOOLS = ["optional", "multiselect", "refresh"];

export class DialogDecodeError extends Error {}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function expect(value: unknown, kind: "string" | "int" | "bool", where: string): void {
  if (value === undefined || value === null) return;
  const ok =
    kind === "string"
      ? typeof value === "string"
      : kind === "bool"
        ? typeof value === "boolean"
        : Number.isInteger(value);
  if (!ok) throw new DialogDecodeError(`json: cannot unmarshal ${typeof value} into ${where} of type ${kind}`);
}

const s = (v: unknown) => (typeof v === "string" ? v : "");
const n = (v: unknown) => (typeof v === "number" ? v : 0);
const b = (v: unknown) => v === true;

/** An OpenDialogRequest as the server holds it after decoding, written back in the structs' field order. */
export function readOpenDialogRequest(raw: unknown): { trigger_id: string; url: string; dialog: Json } {
  if (!isObject(raw)) throw new DialogDecodeError("json: the body is not an object");
  expect(raw.trigger_id, "string", "OpenDialogRequest.trigger_id");
  expect(raw.url, "string", "OpenDialogRequest.url");
  const dialog = raw.dialog ?? {};
  if (!isObject(dialog)) throw new DialogDecodeError("json: cannot unmarshal into OpenDialogRequest.dialog");
  for (const field of STRING_FIELDS) expect(dialog[field], "string", `Dialog.${field}`);
  expect(dialog.notify_on_cancel, "bool", "Dialog.notify_on_cancel");
  const elements = dialog.elements ?? null;
  if (elements !== null && !Array.isArray(elements))
    throw new DialogDecodeError("json: Dialog.elements is not an array");
  const decoded: Json = {
    callback_id: s(dialog.callback_id),
    title: s(dialog.title),
    introduction_text: s(dialog.introduction_text),
    icon_url: s(dialog.icon_url),
    elements: elements === null ? null : elements.map(readElement),
    submit_label: s(dialog.submit_label),
    notify_on_cancel: b(dialog.notify_on_cancel),
    state: s(dialog.state),
  };
  if (s(dialog.source_url)) decoded.source_url = s(dialog.source_url);
  return { trigger_id: s(raw.trigger_id), url: s(raw.url), dialog: decoded };
}

function readElement(raw: unknown, index: number): Json {
  if (!isObject(raw)) throw new DialogDecodeError(`json: Dialog.elements[${index}] is not an object`);
  for (const field of ELEMENT_STRINGS) expect(raw[field], "string", `DialogElement.${field}`);
  for (const field of ELEMENT_INTS) expect(raw[field], "int", `DialogElement.${field}`);
  for (const field of ELEMENT_BOOLS) expect(raw[field], "bool", `DialogElement.${field}`);
  const options = raw.options ?? null;
  if (options !== null && !Array.isArray(options))
    throw new DialogDecodeError("json: DialogElement.options is not an array");
  const element: Json = {
    display_name: s(raw.display_name),
    name: s(raw.name),
    type: s(raw.type),
    subtype: s(raw.subtype),
    default: s(raw.default),
    placeholder: s(raw.placeholder),
    help_text: s(raw.help_text),
    optional: b(raw.optional),
    min_length: n(raw.min_length),
    max_length: n(raw.max_length),
    data_source: s(raw.data_source),
  };
  if (s(raw.data_source_url)) element.data_source_url = s(raw.data_source_url);
  element.options =
    options === null
      ? null
      : options.map((o) => {
          if (o === null) return null;
          if (!isObject(o)) throw new DialogDecodeError("json: a DialogElement option is not an object");
          expect(o.text, "string", "PostActionOptions.text");
          expect(o.value, "string", "PostActionOptions.value");
          return { text: s(o.text), value: s(o.value) };
        });
  element.multiselect = b(raw.multiselect);
  if (b(raw.refresh)) element.refresh = true;
  if (s(raw.min_date)) element.min_date = s(raw.min_date);
  if (s(raw.max_date)) element.max_date = s(raw.max_date);
  if (n(raw.time_interval)) element.time_interval = n(raw.time_interval);
  return element;
}

const TEXT_SUBTYPES = new Set(["", "text", "email", "number", "tel", "url", "password"]);
const isHttpUrl = (v: string) => /^https?:\/\/[^\s]+$/i.test(v);
/** Byte length, as Go's len(). */
const len = (v: string) => Buffer.byteLength(v);

/** What Dialog.IsValid (and OpenDialogRequest.IsValid) finds wrong; empty when valid. */
export function dialogProblems(request: { trigger_id: string; url: string; dialog: Json }): string[] {
  const problems: string[] = [];
  if (request.url === "") problems.push("empty URL");
  if (request.trigger_id === "") problems.push("empty trigger id");
  const dialog = request.dialog;
  const title = s(dialog.title);
  if (title === "" || len(title) > 24) problems.push(`invalid dialog title ${JSON.stringify(title)}`);
  if (s(dialog.icon_url) !== "" && !isHttpUrl(s(dialog.icon_url))) problems.push("invalid icon url");
  const names = new Set<string>();
  for (const element of (dialog.elements as Json[] | null) ?? []) {
    const name = s(element.name);
    if (names.has(name)) problems.push(`duplicate dialog element ${JSON.stringify(name)}`);
    names.add(name);
    for (const problem of elementProblems(element))
      problems.push(`${JSON.stringify(name)} field is not valid: ${problem}`);
  }
  return problems;
}

function elementProblems(e: Json): string[] {
  const out: string[] = [];
  const max = (field: string, value: string, limit: number) => {
    if ((field === "DisplayName" || field === "Name") && value === "") out.push(`${field} cannot be empty`);
    if (len(value) > limit) out.push(`${field} cannot be longer than ${limit} characters, got ${len(value)}`);
  };
  const minLength = n(e.min_length);
  const maxLength = n(e.max_length);
  if (minLength < 0) out.push(`min length cannot be a negative number, got ${minLength}`);
  if (minLength > maxLength) out.push(`min length should be less then max length, got ${minLength} > ${maxLength}`);
  max("DisplayName", s(e.display_name), 24);
  max("Name", s(e.name), 300);
  max("HelpText", s(e.help_text), 150);
  const type = s(e.type);
  if (e.multiselect === true && type !== "select")
    out.push(`multiselect can only be used with select elements, got type "${type}"`);
  const options = ((e.options as (Json | null)[] | null) ?? []).filter((o): o is Json => o !== null);
  const inOptions = (value: string) => value === "" || options.some((o) => o.value === value);
  switch (type) {
    case "text":
    case "textarea": {
      const limit = type === "text" ? 150 : 3000;
      max("Default", s(e.default), limit);
      max("Placeholder", s(e.placeholder), limit);
      if (!TEXT_SUBTYPES.has(s(e.subtype))) out.push(`invalid subtype "${type}"`);
      break;
    }
    case "select": {
      max("Default", s(e.default), 3000);
      max("Placeholder", s(e.placeholder), 3000);
      const source = s(e.data_source);
      if (!["", "users", "channels", "dynamic"].includes(source)) out.push(`invalid data source "${source}"`);
      if (source === "dynamic") {
        const url = s(e.data_source_url);
        if (url === "") out.push("dynamic data_source requires data_source_url");
        else if (!(isHttpUrl(url) || (url.startsWith("/plugins/") && !url.includes("..") && !url.includes("//")))) {
          out.push("invalid data_source_url for dynamic select");
        }
        if (options.length > 0) out.push("dynamic select element should not have static options");
      } else if (source === "") {
        const defaults =
          e.multiselect === true ? s(e.default).replaceAll(" ", "").split(",").filter(Boolean) : [s(e.default)];
        if (!defaults.every(inOptions)) out.push(`default value "${s(e.default)}" doesn't exist in options`);
      }
      break;
    }
    case "bool":
      if (!["", "true", "false"].includes(s(e.default))) out.push("invalid default of bool");
      max("Placeholder", s(e.placeholder), 150);
      break;
    case "radio":
      if (!inOptions(s(e.default))) out.push(`default value "${s(e.default)}" doesn't exist in options`);
      break;
    case "date":
    case "datetime":
      max("Default", s(e.default), 150);
      max("Placeholder", s(e.placeholder), 150);
      for (const [field, value] of [
        ["default", s(e.default)],
        ["min_date", s(e.min_date)],
        ["max_date", s(e.max_date)],
      ]) {
        const ok = type === "datetime" && field === "default" ? isDateTime(value) : isDate(value);
        if (value !== "" && !isRelative(value) && !ok) out.push(`invalid ${type} format: ${JSON.stringify(value)}`);
      }
      if (type === "datetime") {
        const interval = n(e.time_interval);
        if (interval === 0) out.push("time_interval of 0 will be reset to default, 60 minutes");
        else if (interval < 1 || interval > 1440)
          out.push(`time_interval must be between 1 and 1440 minutes, got ${interval}`);
        else if (1440 % interval !== 0) out.push(`time_interval must be a divisor of 1440, got ${interval}`);
      }
      break;
    default:
      out.push(`invalid element type: "${type}"`);
  }
  return out;
}

/** validateRelativePattern / isValidRelativeFormat: today, tomorrow, yesterday, or +1d, -2w, +3M, +12h. */
function isRelative(value: string): boolean {
  return ["today", "tomorrow", "yesterday"].includes(value) || /^[+-]\d{1,3}[dwmhDWMH]$/.test(value);
}

/** time.Parse("2006-01-02"): a real calendar date. (A datetime here is refused too: validateDateFormat warns.) */
function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The datetime layouts the server accepts: RFC 3339 in UTC or with an offset, without a zone, without seconds. */
function isDateTime(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match || !isDate(match[1])) return false;
  // "2006-01-02T15:04" has no seconds and no zone; the others have seconds.
  return match[3] !== undefined || match[4] === undefined;
}
