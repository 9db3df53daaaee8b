/**
 * Interactive dialogs (api4/integration_action.go f63f658ee8c6efca2ee03891725cb80120ae8676, app/integration_action.go
 * 1d9028b1467715e6ac383824e6467111ad7ea89a). Open: no session needed, the trigger id is the credential (checked:
 * format, signature, age); the dialog goes to its user as an `open_dialog` event carrying the OpenDialogRequest
 * JSON-encoded with the client's trigger id. Submit: the user's session; the server POSTs the SubmitDialogRequest
 * (type "dialog_submission", without the url) to the dialog's url and answers the integration's
 * SubmitDialogResponse ({} when it answered nothing; `errors` by field name pass back as they came).
 */
import { AppErrorReply, Errors } from "../app-error.js";
import { DialogDecodeError, dialogProblems, readOpenDialogRequest } from "../dialog-rules.js";
import { type Env, isAdmin, ok } from "../env.js";
import { ActionErrors } from "../integration-errors.js";
import { type Integrations, integrationsOf, type OpenedDialog } from "../integrations.js";
import type { Router } from "../router.js";
import type { UserRecord } from "../store.js";
import { postToAction } from "./actions.js";

export interface SubmitDialogInput {
  userId: string;
  /** The dialog to answer: the trigger id it was opened with (the client's, from open_dialog, or the full one)... */
  triggerId?: string | undefined;
  /** ... or its callback_id (the last dialog opened for this user with it). */
  callbackId?: string | undefined;
  /** Where to POST; by default the url the dialog was opened with. */
  url?: string | undefined;
  submission?: Record<string, unknown> | undefined;
  /** By default the dialog's state. */
  state?: string | undefined;
  /** The user closed the dialog: sent only when the dialog has notify_on_cancel (as the webapp does). */
  cancelled?: boolean | undefined;
  /** By default where the trigger id was made (the command's or the action's channel and team). */
  channelId?: string | undefined;
  teamId?: string | undefined;
}

interface SubmitRequest {
  url?: unknown;
  callback_id?: unknown;
  state?: unknown;
  channel_id?: unknown;
  team_id?: unknown;
  submission?: unknown;
  cancelled?: unknown;
}

export function registerDialogs(router: Router, env: Env): void {
  const state = () => integrationsOf(env) as Integrations;

  router.add("POST", "/api/v4/actions/dialogs/open", "OpenInteractiveDialog", (ctx) => {
    let request: ReturnType<typeof readOpenDialogRequest>;
    try {
      request = readOpenDialogRequest(ctx.json("dialog"));
    } catch (error) {
      if (error instanceof DialogDecodeError) throw Errors.invalidBodyParam("dialog");
      throw error;
    }
    if (request.url === "") throw Errors.invalidBodyParam("url");
    openDialog(env, state(), request);
    return ok();
  });

  router.add("POST", "/api/v4/actions/dialogs/submit", "SubmitInteractiveDialog", async (ctx) => {
    const me = ctx.me();
    const body = ctx.json<SubmitRequest>("dialog");
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw Errors.invalidBodyParam("dialog");
    return { json: await submitDialog(env, me, body) };
  });
}

function openDialog(env: Env, state: Integrations, request: ReturnType<typeof readOpenDialogRequest>): void {
  const { clientTriggerId, userId } = state.triggerIds.verify(request.trigger_id, state.timeout);
  const problems = dialogProblems(request);
  if (problems.length > 0) {
    const message = `Interactive dialog is invalid: ${problems.join("; ")}`;
    state.warn(message);
    if (state.rejectInvalidDialogs) throw new AppErrorReply(400, "matterapi.testing.invalid_dialog", message);
  }
  const sent = { trigger_id: clientTriggerId, url: request.url, dialog: request.dialog };
  state.rememberDialog({
    clientTriggerId,
    userId,
    url: request.url,
    dialog: request.dialog,
    context: state.triggers.get(clientTriggerId),
  });
  env.publish("open_dialog", { dialog: JSON.stringify(sent) }, { user_id: userId });
}

/** api4 submitDialog + app SubmitInteractiveDialog for this user. */
async function submitDialog(env: Env, me: UserRecord, body: SubmitRequest): Promise<Record<string, unknown>> {
  const state = integrationsOf(env) as Integrations;
  const { store } = env;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const url = text(body.url);
  if (url === "") throw Errors.invalidBodyParam("url");
  const channel = store.channels.get(text(body.channel_id));
  if (channel?.delete_at !== 0) throw Errors.channelMissing();
  if (!store.isChannelMember(channel.id, me.id) && !isAdmin(me)) throw Errors.permissions("read_channel_content");
  const teamId = text(body.team_id);
  if (!store.isTeamMember(teamId, me.id) && !isAdmin(me)) throw Errors.permissions("view_team");
  // model.SubmitDialogRequest in struct order, url left out (omitempty, emptied before sending).
  const request = {
    type: "dialog_submission",
    callback_id: text(body.callback_id),
    state: text(body.state),
    user_id: me.id,
    channel_id: channel.id,
    team_id: teamId,
    submission: body.submission && typeof body.submission === "object" ? body.submission : null,
    cancelled: body.cancelled === true,
  };
  const answer = await postToAction(state, url, request);
  if (answer.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.toString("utf8"));
  } catch (error) {
    throw ActionErrors.decodeJson((error as Error).message);
  }
  return submitDialogResponse(parsed);
}

/** model.SubmitDialogResponse as the server writes it back: error, errors, type, form, each left out when empty. */
function submitDialogResponse(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw ActionErrors.decodeJson("json: cannot unmarshal into SubmitDialogResponse");
  }
  const value = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof value.error === "string" && value.error) out.error = value.error;
  if (value.errors && typeof value.errors === "object" && !Array.isArray(value.errors)) {
    const errors = Object.fromEntries(Object.entries(value.errors).filter(([, v]) => typeof v === "string"));
    if (Object.keys(errors).length > 0) out.errors = errors;
  }
  if (typeof value.type === "string" && value.type) out.type = value.type;
  if (value.form && typeof value.form === "object") out.form = value.form;
  return out;
}

/** The helper: what the webapp sends for the dialog a user has open, and what the server answers. */
export async function submitFromHelper(
  env: Env,
  me: UserRecord,
  input: SubmitDialogInput,
): Promise<{ status: number; body: unknown }> {
  const state = integrationsOf(env) as Integrations;
  const opened = findDialog(state, me.id, input);
  const dialog = opened?.dialog ?? {};
  if (input.cancelled === true && dialog.notify_on_cancel !== true) return { status: 0, body: null };
  try {
    const body = await submitDialog(env, me, {
      url: input.url ?? opened?.url ?? "",
      callback_id: input.callbackId ?? dialog.callback_id ?? "",
      state: input.state ?? dialog.state ?? "",
      channel_id: input.channelId ?? opened?.context?.channelId ?? "",
      team_id: input.teamId ?? opened?.context?.teamId ?? "",
      submission: input.cancelled === true ? null : (input.submission ?? {}),
      cancelled: input.cancelled === true,
    });
    return { status: 200, body };
  } catch (error) {
    if (error instanceof AppErrorReply) return { status: error.status, body: error.body("") };
    throw error;
  }
}

function findDialog(state: Integrations, userId: string, input: SubmitDialogInput): OpenedDialog | undefined {
  if (input.triggerId) {
    const direct = state.dialogs.get(input.triggerId);
    if (direct) return direct;
    try {
      const decoded = Buffer.from(input.triggerId, "base64").toString("utf8").split(":")[0];
      return state.dialogs.get(decoded);
    } catch {
      return undefined;
    }
  }
  if (input.callbackId !== undefined) {
    const all = [...state.dialogs.values()].reverse();
    return all.find((d) => d.userId === userId && d.dialog.callback_id === input.callbackId);
  }
  return undefined;
}
