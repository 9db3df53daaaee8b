/**
 * Interactive dialogs on the wire (server/public/model/integration_action.go @ 02c023520cfd: Dialog,
 * DialogElement, SubmitDialogRequest, SubmitDialogResponse, LookupDialogResponse).
 */
import type { ActionOption } from "./actions.js";

export type DialogElementType = "text" | "textarea" | "select" | "bool" | "radio" | "date" | "datetime";

export interface DialogElement {
  /** The label (1 to 24 bytes). */
  display_name: string;
  /** The key of the value in the submission (1 to 300 bytes, unique in the dialog). */
  name: string;
  type: DialogElementType;
  /** For text and textarea: "", text, email, number, tel, url, password. */
  subtype?: "" | "text" | "email" | "number" | "tel" | "url" | "password";
  /** Initial value ("true"/"false" for bool; an option value for select and radio; comma-separated for multiselect). */
  default?: string;
  placeholder?: string;
  /** At most 150 bytes. */
  help_text?: string;
  /** Required unless true. */
  optional?: boolean;
  min_length?: number;
  max_length?: number;
  /** For select: "users", "channels", or "dynamic" (options from `data_source_url`); static `options` otherwise. */
  data_source?: "" | "users" | "channels" | "dynamic";
  data_source_url?: string;
  options?: ActionOption[];
  multiselect?: boolean;
  refresh?: boolean;
  /** For date and datetime: YYYY-MM-DD or relative (today, +1d, -2w ...). */
  min_date?: string;
  max_date?: string;
  /** For datetime: minutes between choices, a divisor of 1440. */
  time_interval?: number;
}

export interface Dialog {
  callback_id?: string;
  /** 1 to 24 bytes. */
  title: string;
  introduction_text?: string;
  icon_url?: string;
  elements?: DialogElement[];
  submit_label?: string;
  /** Also POST a cancellation (`cancelled: true`) when the user closes the dialog. */
  notify_on_cancel?: boolean;
  /** Echoed back with the submission. */
  state?: string;
}

/** What the server POSTs to the dialog's URL on submit or cancel (model.SubmitDialogRequest). */
export interface DialogSubmission<S extends Record<string, unknown> = Record<string, unknown>> {
  /** "dialog_submission" (also for cancellations). */
  type: string;
  callback_id: string;
  state: string;
  user_id: string;
  channel_id: string;
  team_id: string;
  /** Element name to value: strings, booleans for bool elements, ids for users/channels selects; {} on cancel. */
  submission: S;
  cancelled: boolean;
}

/** The answer to a submission (model.SubmitDialogResponse); field errors keep the dialog open. */
export interface DialogSubmitResponse {
  /** Shown at the bottom of the dialog. */
  error?: string;
  /** Shown under each element, by element name. */
  errors?: Record<string, string>;
  /** On newer servers: "" / "ok" / "navigate" close the dialog, "form" shows `form` next. */
  type?: "" | "ok" | "form" | "navigate";
  form?: Dialog;
}
