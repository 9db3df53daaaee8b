/**
 * Interactive dialogs: a typed builder checked with the server's rules, `openDialog` (POST
 * /api/v4/actions/dialogs/open with a trigger id, which expires after OutgoingIntegrationRequestsTimeout: 30 s by
 * default, model.DecodeAndVerifyTriggerId), and the endpoint that receives submissions and cancellations and answers
 * with field errors in the shape the webapp shows (`{ errors: { element: message } }`).
 */
import { UsageError } from "../core/errors.js";
import type { ActionOption } from "./actions.js";
import { type DialogIssue, dialogIssues } from "./dialog-rules.js";
import type { Dialog, DialogElement, DialogSubmission, DialogSubmitResponse } from "./dialog-types.js";
import { endpoint, type HandlerOptions, type IntegrationHandler, PendingWork, reporter } from "./handler.js";
import { jsonResponse, parseJsonObject, RequestRefused, readText, stringField } from "./incoming.js";

/** A dialog that breaks the server's rules; `issues` lists every one, the message names the first. */
export class DialogValidationError extends UsageError {
  override name = "DialogValidationError";
  readonly issues: readonly DialogIssue[];
  constructor(issues: DialogIssue[]) {
    const first = issues[0]!;
    const where = first.element === undefined ? "dialog" : `dialog element "${first.element}"`;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(`${where}: ${first.field} ${first.message}${more}`);
    this.issues = issues;
  }
}

/** Throws DialogValidationError when the dialog breaks a rule of the server; returns it otherwise. */
export function checkDialog(dialog: Dialog): Dialog {
  const issues = dialogIssues(dialog);
  if (issues.length > 0) throw new DialogValidationError(issues);
  return dialog;
}

type Common = Omit<DialogElement, "type" | "display_name" | "name">;

/**
 * Element builders: `el.text("title", "Title", { max_length: 80 })`. They fill what the server would otherwise
 * refuse or complain of: max_length from the type's limit when only min_length is given, time_interval 60 for
 * datetime.
 */
export const el = {
  text: (name: string, displayName: string, more: Common = {}) => element("text", name, displayName, more),
  textarea: (name: string, displayName: string, more: Common = {}) => element("textarea", name, displayName, more),
  select: (name: string, displayName: string, options: ActionOption[], more: Common = {}) =>
    element("select", name, displayName, { ...more, options }),
  /** A select over the server's users or channels, or `dynamic` options from `data_source_url`. */
  selectFrom: (name: string, displayName: string, source: "users" | "channels" | "dynamic", more: Common = {}) =>
    element("select", name, displayName, { ...more, data_source: source }),
  bool: (name: string, displayName: string, more: Common = {}) => element("bool", name, displayName, more),
  radio: (name: string, displayName: string, options: ActionOption[], more: Common = {}) =>
    element("radio", name, displayName, { ...more, options }),
  date: (name: string, displayName: string, more: Common = {}) => element("date", name, displayName, more),
  datetime: (name: string, displayName: string, more: Common = {}) =>
    element("datetime", name, displayName, { time_interval: 60, ...more }),
};

function element(type: DialogElement["type"], name: string, displayName: string, more: Common): DialogElement {
  const out: DialogElement = { ...more, type, name, display_name: displayName };
  if (out.min_length !== undefined && out.max_length === undefined) {
    out.max_length = type === "textarea" ? 3000 : 150;
  }
  return out;
}

/** A dialog, checked: throws DialogValidationError naming the element and rule. */
export function buildDialog(dialog: Dialog): Dialog {
  return checkDialog({ ...dialog, elements: [...(dialog.elements ?? [])] });
}

/** What openDialog needs of a client: AsyncClient, a session, or anything with the same method. */
export interface DialogOpener {
  integrationActions: {
    openInteractiveDialog(body: { trigger_id: string; url: string; dialog: never }): PromiseLike<unknown>;
  };
}

/**
 * Opens a dialog for the user behind `triggerId` (from a slash command or a click), after checking it locally.
 * Submissions are POSTed to `url`.
 */
export async function openDialog(client: DialogOpener, triggerId: string, url: string, dialog: Dialog): Promise<void> {
  if (typeof triggerId !== "string" || triggerId === "") throw new UsageError("openDialog: triggerId is required");
  if (typeof url !== "string" || url === "") throw new UsageError("openDialog: url is required");
  checkDialog(dialog);
  await client.integrationActions.openInteractiveDialog({ trigger_id: triggerId, url, dialog: dialog as never });
}

/** Parses a submission; 400 naming the field when it is malformed. */
export function parseDialogSubmission(body: Record<string, unknown>): DialogSubmission {
  const what = "dialog submission";
  const s = (name: string) => stringField(body, name, what);
  const submission = body.submission ?? {};
  if (submission === null || typeof submission !== "object" || Array.isArray(submission)) {
    throw new RequestRefused(400, `${what}: "submission" must be an object`);
  }
  if (body.cancelled !== undefined && typeof body.cancelled !== "boolean") {
    throw new RequestRefused(400, `${what}: "cancelled" must be a boolean`);
  }
  return {
    type: s("type"),
    callback_id: s("callback_id"),
    state: s("state"),
    user_id: s("user_id"),
    channel_id: s("channel_id"),
    team_id: s("team_id"),
    submission: submission as Record<string, unknown>,
    cancelled: body.cancelled === true,
  };
}

/**
 * Field errors for a submission against the dialog it came from: required values, lengths, choices among the
 * options. The webapp checks these too, but anyone can POST to the dialog URL.
 */
export function submissionErrors(dialog: Dialog, submission: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const e of dialog.elements ?? []) {
    const value = submission[e.name];
    const empty = value === undefined || value === null || value === "";
    if (empty) {
      if (!e.optional && e.type !== "bool") errors[e.name] = "This field is required.";
      continue;
    }
    if (e.type === "bool") {
      if (typeof value !== "boolean" && value !== "true" && value !== "false")
        errors[e.name] = "Must be true or false.";
      continue;
    }
    if (typeof value !== "string") {
      errors[e.name] = "Must be text.";
      continue;
    }
    const length = [...value].length;
    if (e.min_length && length < e.min_length) errors[e.name] = `Must be at least ${e.min_length} characters.`;
    else if (e.max_length && length > e.max_length) errors[e.name] = `Must be at most ${e.max_length} characters.`;
    const staticChoice = (e.type === "select" && !e.data_source) || e.type === "radio";
    if (staticChoice && e.options) {
      const allowed = new Set(e.options.map((o) => o.value));
      const chosen = e.multiselect ? value.split(",").filter(Boolean) : [value];
      if (!chosen.every((v) => allowed.has(v))) errors[e.name] = "Not one of the choices.";
    }
  }
  return errors;
}

const RESPONSE_KEYS = new Set(["error", "errors", "type", "form"]);

function checkSubmitResponse(response: unknown): DialogSubmitResponse {
  if (response === undefined || response === null) return {};
  if (typeof response !== "object" || Array.isArray(response))
    throw new UsageError("a dialog answer must be an object");
  const r = response as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!RESPONSE_KEYS.has(key)) throw new UsageError(`dialog answer: unknown key "${key}"`);
  if (r.error !== undefined && typeof r.error !== "string")
    throw new UsageError("dialog answer: error must be a string");
  if (r.errors !== undefined) {
    if (r.errors === null || typeof r.errors !== "object" || Array.isArray(r.errors)) {
      throw new UsageError("dialog answer: errors must map element names to messages");
    }
    for (const [k, v] of Object.entries(r.errors)) {
      if (typeof v !== "string") throw new UsageError(`dialog answer: errors.${k} must be a string`);
    }
  }
  if (r.type === "form") {
    if (!r.form) throw new UsageError('dialog answer: type "form" needs a form');
    checkDialog(r.form as Dialog);
  } else if (r.form !== undefined) {
    throw new UsageError('dialog answer: form is only for type "form"');
  }
  return r as DialogSubmitResponse;
}

export interface DialogHandlerOptions<S extends Record<string, unknown>> extends HandlerOptions {
  /** When given, submissions are checked against it first; field errors go back without calling `handle`. */
  dialog?: Dialog;
  handle(submission: DialogSubmission<S>): DialogSubmitResponse | undefined | Promise<DialogSubmitResponse | undefined>;
  /** Cancellations (dialogs with notify_on_cancel); the answer is ignored by the server. */
  onCancel?(submission: DialogSubmission<S>): void | Promise<void>;
}

/** An endpoint for dialog submissions and cancellations. */
export function dialogHandler<S extends Record<string, unknown> = Record<string, unknown>>(
  options: DialogHandlerOptions<S>,
): IntegrationHandler {
  if (typeof options?.handle !== "function") throw new UsageError("dialogHandler: `handle` must be a function");
  if (options.dialog) checkDialog(options.dialog);
  const report = reporter(options, () => []);
  return endpoint(["POST"], report, new PendingWork(0), async (request) => {
    const parsed = parseDialogSubmission(parseJsonObject(await readText(request, options), "dialog submission"));
    const submission = parsed as DialogSubmission<S>;
    if (parsed.cancelled) {
      await options.onCancel?.(submission);
      return jsonResponse({});
    }
    if (options.dialog) {
      const errors = submissionErrors(options.dialog, parsed.submission);
      if (Object.keys(errors).length > 0) return jsonResponse({ errors });
    }
    return jsonResponse(checkSubmitResponse(await options.handle(submission)));
  });
}

/** What the server POSTs to a dynamic select's data_source_url (the submission so far, plus what is typed). */
export interface DialogLookupRequest extends DialogSubmission {
  query: string;
  selected_field: string;
}

export interface DialogLookupHandlerOptions extends HandlerOptions {
  /** The options to show for what the user typed (at most `maxItems`, default 100). */
  handle(request: DialogLookupRequest): ActionOption[] | Promise<ActionOption[]>;
  maxItems?: number;
}

/** An endpoint for a dynamic select's options: answers `{ items: [{ text, value }] }` (model.LookupDialogResponse). */
export function dialogLookupHandler(options: DialogLookupHandlerOptions): IntegrationHandler {
  if (typeof options?.handle !== "function") throw new UsageError("dialogLookupHandler: `handle` must be a function");
  const report = reporter(options, () => []);
  const max = options.maxItems ?? 100;
  return endpoint(["POST"], report, new PendingWork(0), async (request) => {
    const body = parseJsonObject(await readText(request, options), "lookup request");
    const parsed: DialogLookupRequest = {
      ...parseDialogSubmission(body),
      query: stringField(body, "query", "lookup request"),
      selected_field: stringField(body, "selected_field", "lookup request"),
    };
    const items = await options.handle(parsed);
    if (!Array.isArray(items)) throw new UsageError("dialog lookup: handle must return a list of { text, value }");
    for (const [i, item] of items.entries()) {
      if (!item || typeof item.text !== "string" || typeof item.value !== "string") {
        throw new UsageError(`dialog lookup: item ${i} needs a text and a value`);
      }
    }
    return jsonResponse({ items: items.slice(0, max).map((o) => ({ text: o.text, value: o.value })) });
  });
}
