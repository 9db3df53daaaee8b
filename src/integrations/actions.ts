/**
 * Message attachments with buttons and menus, and the click Mattermost sends back.
 *
 * Wire facts, server/public/model/integration_action.go @ 02c023520cfd: an action is `{ id, type: "button" |
 * "select", name, disabled, style, data_source ("users" | "channels", or options), options [{ text, value }],
 * default_option, integration: { url, context } }`; PostAction.IsValid wants a name, a known style (or a hex color),
 * no options or data source on a button, options xor data source on a select, and an integration URL that is
 * http(s) or a plugin path. A click makes the server POST a PostActionIntegrationRequest (user_id, user_name,
 * channel_id, channel_name, team_id, team_domain, post_id, trigger_id, type, data_source, context) to the URL;
 * for a select the choice arrives as `context.selected_option` (server/channels/app/integration_action.go
 * @ 0029e8dacc78). Any status but 200 makes the click fail for the user; the 200 body is a
 * PostActionIntegrationResponse: `update` (a post replacing this one, props kept unless replaced), `ephemeral_text`
 * (a message only the clicker sees), `skip_slack_parsing`, and, on newer servers, `goto_location`.
 */
import { UsageError } from "../core/errors.js";
import { endpoint, type HandlerOptions, type IntegrationHandler, PendingWork, reporter } from "./handler.js";
import { jsonResponse, parseJsonObject, RequestRefused, readText, stringField } from "./incoming.js";
import type { ActionSigner, VerifiedContext } from "./signing.js";

/** A field of an attachment (slack_attachment.go @ 93f47a36ab37). `value` may be any JSON; the server stringifies it. */
export interface AttachmentField {
  title: string;
  value: unknown;
  short?: boolean;
}

export type ActionStyle = "default" | "primary" | "success" | "good" | "warning" | "danger" | `#${string}`;

export interface ActionOption {
  text: string;
  value: string;
}

export interface ActionIntegration {
  /** Where clicks are POSTed: http(s), or a plugin path (`/plugins/...`). */
  url: string;
  /** Echoed back on each click. Sign it (`signer.sign`) when it decides anything. */
  context?: Record<string, unknown>;
}

/** A button or menu of an attachment (model.PostAction). */
export interface PostAction {
  id?: string;
  type: "button" | "select";
  name: string;
  disabled?: boolean;
  style?: ActionStyle;
  data_source?: "users" | "channels";
  options?: ActionOption[];
  default_option?: string;
  integration: ActionIntegration;
}

/** A message attachment (model.SlackAttachment, slack_attachment.go @ 93f47a36ab37). */
export interface MessageAttachment {
  id?: number;
  fallback?: string;
  color?: string;
  pretext?: string;
  author_name?: string;
  author_link?: string;
  author_icon?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: AttachmentField[];
  image_url?: string;
  thumb_url?: string;
  footer?: string;
  footer_icon?: string;
  ts?: string | number;
  actions?: PostAction[];
}

const STYLES = new Set(["default", "primary", "success", "good", "warning", "danger"]);

function checkAction(action: PostAction, where: string): void {
  if (!action.name) throw new UsageError(`${where}: an action needs a name`);
  if (action.style && !STYLES.has(action.style) && !/^#(?:[0-9a-fA-F]{3}){1,2}$/.test(action.style)) {
    throw new UsageError(`${where}: style "${action.style}" is not one of ${[...STYLES].join(", ")} or a hex color`);
  }
  const url = action.integration?.url;
  if (typeof url !== "string" || !(/^https?:\/\/[^/]/i.test(url) || /^\/?plugins\//.test(url))) {
    throw new UsageError(`${where}: integration.url must be an http(s) URL or a /plugins/ path`);
  }
}

export interface ButtonInit {
  name: string;
  /** Where clicks go. */
  url: string;
  context?: Record<string, unknown>;
  id?: string;
  style?: ActionStyle;
  disabled?: boolean;
}

/** A button. */
export function button(init: ButtonInit): PostAction {
  const action: PostAction = { type: "button", name: init.name, integration: { url: init.url } };
  if (init.context) action.integration.context = init.context;
  if (init.id) action.id = init.id;
  if (init.style) action.style = init.style;
  if (init.disabled) action.disabled = true;
  checkAction(action, `button "${init.name}"`);
  return action;
}

export interface MenuInit extends Omit<ButtonInit, "style"> {
  /** Static choices; or `dataSource` for the server's own lists of users or channels. */
  options?: ActionOption[];
  dataSource?: "users" | "channels";
  defaultOption?: string;
}

/** A menu (select): static options, or users or channels (the choice arrives as `selectedOption`). */
export function menu(init: MenuInit): PostAction {
  const hasOptions = Array.isArray(init.options) && init.options.length > 0;
  if (hasOptions === Boolean(init.dataSource)) {
    throw new UsageError(
      `menu "${init.name}": give either options or dataSource ("users" or "channels"), not both or neither`,
    );
  }
  if (init.dataSource && init.dataSource !== "users" && init.dataSource !== "channels") {
    throw new UsageError(
      `menu "${init.name}": dataSource must be "users" or "channels" (dynamic lists are for dialogs)`,
    );
  }
  const action: PostAction = { type: "select", name: init.name, integration: { url: init.url } };
  if (init.context) action.integration.context = init.context;
  if (init.id) action.id = init.id;
  if (init.disabled) action.disabled = true;
  if (hasOptions) {
    init.options!.forEach((o, i) => {
      if (!o?.text || !o.value) throw new UsageError(`menu "${init.name}": option ${i} needs text and value`);
    });
    action.options = init.options!.map((o) => ({ text: o.text, value: o.value }));
  }
  if (init.dataSource) action.data_source = init.dataSource;
  if (init.defaultOption) action.default_option = init.defaultOption;
  checkAction(action, `menu "${init.name}"`);
  return action;
}

/** An attachment (with its actions checked). */
export function attachment(init: MessageAttachment): MessageAttachment {
  for (const [i, a] of (init.actions ?? []).entries()) checkAction(a, `attachment action ${i}`);
  return { ...init };
}

/** What Mattermost POSTs to an action URL on a click (model.PostActionIntegrationRequest). */
export interface ActionRequest {
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  team_domain: string;
  post_id: string;
  /** Opens a dialog (`openDialog`) within the server's OutgoingIntegrationRequestsTimeout (30 s by default). */
  trigger_id: string;
  type: string;
  data_source: string;
  context: Record<string, unknown>;
}

/** The post an action answer replaces the clicked post with: message, props (attachments) and the like. */
export interface PostUpdate {
  message?: string;
  props?: Record<string, unknown> & { attachments?: MessageAttachment[] };
  [key: string]: unknown;
}

/** The answer to a click (model.PostActionIntegrationResponse). */
export interface ActionResponse {
  update?: PostUpdate;
  ephemeral_text?: string;
  skip_slack_parsing?: boolean;
  goto_location?: string;
}

const ACTION_RESPONSE_KEYS = new Set(["update", "ephemeral_text", "skip_slack_parsing", "goto_location"]);

/** Checks an action answer before it is sent: known keys, right types (UsageError naming the key otherwise). */
export function checkActionResponse(response: unknown): ActionResponse {
  if (response === undefined || response === null) return {};
  if (typeof response !== "object" || Array.isArray(response))
    throw new UsageError("an action answer must be an object");
  const r = response as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!ACTION_RESPONSE_KEYS.has(key)) throw new UsageError(`action answer: unknown key "${key}"`);
  }
  if (r.update !== undefined && (r.update === null || typeof r.update !== "object" || Array.isArray(r.update))) {
    throw new UsageError("action answer: update must be a post object");
  }
  for (const key of ["ephemeral_text", "goto_location"]) {
    if (r[key] !== undefined && typeof r[key] !== "string")
      throw new UsageError(`action answer: ${key} must be a string`);
  }
  if (r.skip_slack_parsing !== undefined && typeof r.skip_slack_parsing !== "boolean") {
    throw new UsageError("action answer: skip_slack_parsing must be a boolean");
  }
  const attachments = (r.update as PostUpdate | undefined)?.props?.attachments;
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) throw new UsageError("action answer: update.props.attachments must be a list");
    for (const [i, a] of attachments.entries()) {
      for (const [j, x] of ((a as MessageAttachment)?.actions ?? []).entries()) {
        checkAction(x, `update attachment ${i} action ${j}`);
      }
    }
  }
  return r as ActionResponse;
}

/** Parses a click; 400 naming the field when it does not have the shape the server sends. */
export function parseActionRequest(body: Record<string, unknown>): ActionRequest {
  const what = "action request";
  const s = (name: string) => stringField(body, name, what);
  const context = body.context ?? {};
  if (context === null || typeof context !== "object" || Array.isArray(context)) {
    throw new RequestRefused(400, `${what}: "context" must be an object`);
  }
  return {
    user_id: s("user_id"),
    user_name: s("user_name"),
    channel_id: s("channel_id"),
    channel_name: s("channel_name"),
    team_id: s("team_id"),
    team_domain: s("team_domain"),
    post_id: s("post_id"),
    trigger_id: s("trigger_id"),
    type: s("type"),
    data_source: s("data_source"),
    context: context as Record<string, unknown>,
  };
}

export interface ActionClick<C> {
  request: ActionRequest;
  /** The context: verified and without the signature fields when a signer is given, as received otherwise. */
  context: C;
  /** The menu choice (`context.selected_option`), if any. User input: check it. */
  selectedOption: string | undefined;
  /** The verified signature's facts, with a signer. */
  signature: VerifiedContext<C> | undefined;
}

export interface ActionHandlerOptions<C> extends HandlerOptions {
  /** Verifies every click's signed context; unsigned, forged, tampered, stale or replayed clicks get 403/409. */
  signer?: ActionSigner;
  /** With a signer: only contexts signed for this action name. */
  action?: string;
  handle(click: ActionClick<C>): ActionResponse | undefined | Promise<ActionResponse | undefined>;
}

/** An endpoint for button clicks and menu choices. */
export function actionHandler<C extends Record<string, unknown> = Record<string, unknown>>(
  options: ActionHandlerOptions<C>,
): IntegrationHandler {
  if (typeof options?.handle !== "function") throw new UsageError("actionHandler: `handle` must be a function");
  const pending = new PendingWork(0);
  const report = reporter(options, () => []);
  return endpoint(["POST"], report, pending, async (request) => {
    const body = parseJsonObject(await readText(request, options), "action request");
    const parsed = parseActionRequest(body);
    let signature: VerifiedContext<C> | undefined;
    if (options.signer) signature = await options.signer.verify<C>(parsed, options.action);
    const selected = parsed.context.selected_option;
    const click: ActionClick<C> = {
      request: parsed,
      context: signature ? signature.context : (parsed.context as C),
      selectedOption: typeof selected === "string" ? selected : undefined,
      signature,
    };
    const answer = checkActionResponse(await options.handle(click));
    return jsonResponse(answer);
  });
}
