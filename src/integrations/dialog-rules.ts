/**
 * The server's own rules for an interactive dialog (model.Dialog.IsValid and DialogElement.IsValid,
 * server/public/model/integration_action.go @ 02c023520cfd), checked here before the dialog is sent. The server
 * itself only logs a warning for an invalid dialog and sends it to the webapp anyway
 * (app/integration_action.go @ 0029e8dacc78, OpenInteractiveDialog), where it breaks in ways the bot never hears
 * of: hence the local check. Lengths are counted as the server counts them: in UTF-8 bytes.
 */
import type { Dialog, DialogElement } from "./dialog-types.js";

export interface DialogIssue {
  /** The element's name, or undefined for the dialog itself. */
  element: string | undefined;
  /** The field of the element or dialog ("title", "default", "time_interval" ...). */
  field: string;
  message: string;
}

const TITLE_MAX = 24;
const DISPLAY_NAME_MAX = 24;
const NAME_MAX = 300;
const HELP_TEXT_MAX = 150;
const TEXT_MAX = 150;
const TEXTAREA_MAX = 3000;
const SELECT_MAX = 3000;
const BOOL_MAX = 150;
const TEXT_SUBTYPES = new Set(["", "text", "email", "number", "tel", "url", "password"]);
const TYPES = new Set(["text", "textarea", "select", "bool", "radio", "date", "datetime"]);

const bytes = (s: string) => new TextEncoder().encode(s).length;

export function isHttpUrl(url: string): boolean {
  if (!/^https?:\/\/[^\s/]/i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** model.IsValidLookupURL: a plugin path without `..` or `//`, or an http(s) URL. */
function isLookupUrl(url: string): boolean {
  if (url.startsWith("/plugins/")) return !url.includes("..") && !url.includes("//");
  return isHttpUrl(url);
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The four datetime layouts the server accepts (RFC 3339 UTC or with offset, without zone, without seconds). */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$/;

function isRelative(value: string): boolean {
  if (value === "today" || value === "tomorrow" || value === "yesterday") return true;
  if (value.length < 3 || value.length > 5 || (value[0] !== "+" && value[0] !== "-")) return false;
  if (!"dwmh".includes(value[value.length - 1]!.toLowerCase())) return false;
  return /^[+-]?\d+$/.test(value.slice(1, -1));
}

function isDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  return Boolean(m) && isCalendarDate(Number(m![1]), Number(m![2]), Number(m![3]));
}

function isDateTime(value: string): boolean {
  const m = ISO_DATETIME.exec(value);
  if (!m) return false;
  // Seconds without a zone and "Z"/offset forms are valid; a zone without seconds is not one of the layouts.
  return isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A date field's value: "" or a relative date or an ISO date (a datetime is refused, as the server does). */
function dateProblem(value: string | undefined): string | undefined {
  if (!value || isRelative(value) || isDate(value)) return undefined;
  if (isDateTime(value)) return `${JSON.stringify(value)} is a datetime: give only the date (YYYY-MM-DD)`;
  return `${JSON.stringify(value)} is not a date (YYYY-MM-DD, today, tomorrow, yesterday or +1d/-2w/+1m/+3h)`;
}

function dateTimeProblem(value: string | undefined): string | undefined {
  if (!value || isRelative(value) || isDateTime(value)) return undefined;
  return `${JSON.stringify(value)} is not a datetime (YYYY-MM-DDTHH:MM:SSZ, with an offset, or relative like +1d)`;
}

function defaultInOptions(value: string | undefined, options: DialogElement["options"], multi: boolean): boolean {
  if (!value) return true;
  const values = new Set((options ?? []).filter(Boolean).map((o) => o.value));
  const wanted = multi ? value.replaceAll(" ", "").split(",").filter(Boolean) : [value];
  return wanted.every((v) => values.has(v));
}

/** Every rule an element breaks. */
export function elementIssues(e: DialogElement): DialogIssue[] {
  const issues: DialogIssue[] = [];
  const name = typeof e.name === "string" ? e.name : "";
  const add = (field: string, message: string) => issues.push({ element: name, field, message });
  const max = (field: keyof DialogElement, limit: number, required = false) => {
    const value = e[field];
    if (value !== undefined && typeof value !== "string") return add(String(field), "must be a string");
    const text = (value as string | undefined) ?? "";
    if (required && text === "") add(String(field), "is required");
    else if (bytes(text) > limit) add(String(field), `is ${bytes(text)} bytes, over the limit of ${limit}`);
  };
  const min = e.min_length ?? 0;
  const maxLength = e.max_length ?? 0;
  if (min < 0) add("min_length", `cannot be negative, got ${min}`);
  if (min > maxLength) add("min_length", `(${min}) is over max_length (${maxLength}): set max_length too`);
  max("display_name", DISPLAY_NAME_MAX, true);
  max("name", NAME_MAX, true);
  max("help_text", HELP_TEXT_MAX);
  if (e.multiselect && e.type !== "select") add("multiselect", `is only for select elements, not ${e.type}`);
  switch (e.type) {
    case "text":
    case "textarea": {
      const limit = e.type === "text" ? TEXT_MAX : TEXTAREA_MAX;
      max("default", limit);
      max("placeholder", limit);
      if (!TEXT_SUBTYPES.has(e.subtype ?? ""))
        add("subtype", `${JSON.stringify(e.subtype)} is not one of text, email, number, tel, url, password`);
      break;
    }
    case "select": {
      max("default", SELECT_MAX);
      max("placeholder", SELECT_MAX);
      const source = e.data_source ?? "";
      if (!["", "users", "channels", "dynamic"].includes(source)) {
        add("data_source", `${JSON.stringify(source)} is not users, channels or dynamic`);
      }
      if (source === "dynamic") {
        if (!e.data_source_url) add("data_source_url", "is required for a dynamic select");
        else if (!isLookupUrl(e.data_source_url)) add("data_source_url", "must be an http(s) URL or a /plugins/ path");
        if (e.options && e.options.length > 0) add("options", "a dynamic select has no static options");
      } else if (source === "" && !defaultInOptions(e.default, e.options, Boolean(e.multiselect))) {
        add("default", `${JSON.stringify(e.default)} is not among the options`);
      }
      break;
    }
    case "bool":
      if (e.default && e.default !== "true" && e.default !== "false") add("default", `must be "true" or "false"`);
      max("placeholder", BOOL_MAX);
      break;
    case "radio":
      if (!defaultInOptions(e.default, e.options, false))
        add("default", `${JSON.stringify(e.default)} is not among the options`);
      break;
    case "date":
    case "datetime": {
      max("default", TEXT_MAX);
      max("placeholder", TEXT_MAX);
      const problem = e.type === "date" ? dateProblem(e.default) : dateTimeProblem(e.default);
      if (problem) add("default", problem);
      for (const field of ["min_date", "max_date"] as const) {
        const p = dateProblem(e[field]);
        if (p) add(field, p);
      }
      if (e.type === "datetime") {
        const interval = e.time_interval ?? 0;
        if (interval === 0) add("time_interval", "is required (the server complains of 0; 60 is the usual)");
        else if (!Number.isInteger(interval) || interval < 1 || interval > 1440)
          add("time_interval", `must be 1 to 1440 minutes, got ${interval}`);
        else if (1440 % interval !== 0) add("time_interval", `must divide 1440 (a day in minutes), got ${interval}`);
      }
      break;
    }
    default:
      add("type", `${JSON.stringify(e.type)} is not one of ${[...TYPES].join(", ")}`);
  }
  for (const [i, option] of (e.options ?? []).entries()) {
    if (!option || typeof option.text !== "string" || typeof option.value !== "string") {
      add("options", `option ${i} needs a text and a value`);
    }
  }
  return issues;
}

/** Every rule a dialog breaks (empty when the server would take it). */
export function dialogIssues(dialog: Dialog): DialogIssue[] {
  const issues: DialogIssue[] = [];
  if (dialog === null || typeof dialog !== "object") {
    return [{ element: undefined, field: "dialog", message: "must be an object" }];
  }
  const title = typeof dialog.title === "string" ? dialog.title : "";
  if (title === "") issues.push({ element: undefined, field: "title", message: "is required" });
  else if (bytes(title) > TITLE_MAX) {
    issues.push({
      element: undefined,
      field: "title",
      message: `is ${bytes(title)} bytes, over the limit of ${TITLE_MAX}`,
    });
  }
  if (dialog.icon_url && !isHttpUrl(dialog.icon_url)) {
    issues.push({ element: undefined, field: "icon_url", message: "must be an http(s) URL" });
  }
  const seen = new Set<string>();
  for (const element of dialog.elements ?? []) {
    if (element === null || typeof element !== "object") {
      issues.push({ element: undefined, field: "elements", message: "every element must be an object" });
      continue;
    }
    if (seen.has(element.name))
      issues.push({ element: element.name, field: "name", message: "is used by two elements" });
    seen.add(element.name);
    issues.push(...elementIssues(element));
  }
  return issues;
}
