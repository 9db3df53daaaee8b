/**
 * Outgoing webhook endpoints. What the server sends (server/public/model/outgoing_webhook.go @ 362642b5f471 and
 * server/channels/app/webhook.go @ 6f3312ac460b, TriggerWebhook): a POST of OutgoingWebhookPayload (token, team_id,
 * team_domain, channel_id, channel_name, timestamp, user_id, user_name, post_id, text, trigger_word, file_ids as a
 * comma-separated list) as a form, or as JSON when the hook's content_type is application/json; the form's
 * `timestamp` is in seconds, the JSON's in milliseconds. The token travels only in the payload. The answer, JSON
 * (an empty body posts nothing), is an OutgoingWebhookResponse: text, username, icon_url, props, attachments, type,
 * response_type ("comment" answers in the post's thread), priority; it is posted only when it has text or
 * attachments.
 */
import { UsageError } from "../core/errors.js";
import type { MessageAttachment } from "./actions.js";
import { endpoint, type HandlerOptions, type IntegrationHandler, PendingWork, reporter } from "./handler.js";
import { jsonResponse, mediaType, RequestRefused, readFields, stringField, textResponse } from "./incoming.js";
import { checkTokens, tokenMatches } from "./signing.js";

export interface OutgoingWebhookRequest {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  /** When the post was made, in ms since the epoch (the form's seconds are converted). */
  timestamp: number;
  user_id: string;
  user_name: string;
  post_id: string;
  text: string;
  /** The trigger word that matched ("" when the hook fires on every post of its channel). */
  trigger_word: string;
  /** Ids of the post's files. */
  file_ids: string[];
}

export interface OutgoingWebhookResponse {
  text?: string;
  username?: string;
  icon_url?: string;
  props?: Record<string, unknown>;
  attachments?: MessageAttachment[];
  type?: string;
  /** "comment": reply in the thread of the triggering post. */
  response_type?: "comment" | "post";
  priority?: { priority?: "" | "important" | "urgent"; requested_ack?: boolean; persistent_notifications?: boolean };
}

const RESPONSE_KEYS = new Set([
  "text",
  "username",
  "icon_url",
  "props",
  "attachments",
  "type",
  "response_type",
  "priority",
]);

/** Checks an outgoing-webhook answer before it is sent (UsageError naming the key). */
export function checkOutgoingWebhookResponse(response: unknown): OutgoingWebhookResponse {
  if (response === null || typeof response !== "object" || Array.isArray(response)) {
    throw new UsageError("an outgoing webhook answer must be an object");
  }
  const r = response as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!RESPONSE_KEYS.has(key)) throw new UsageError(`outgoing webhook answer: unknown key "${key}"`);
  for (const key of ["text", "username", "icon_url", "type", "response_type"]) {
    if (r[key] !== undefined && typeof r[key] !== "string")
      throw new UsageError(`outgoing webhook answer: ${key} must be a string`);
  }
  if (typeof r.type === "string" && r.type.startsWith("system_")) {
    throw new UsageError(`outgoing webhook answer: type "${r.type}" is reserved for system messages`);
  }
  if (r.attachments !== undefined && !Array.isArray(r.attachments))
    throw new UsageError("outgoing webhook answer: attachments must be a list");
  if (r.props !== undefined && (r.props === null || typeof r.props !== "object" || Array.isArray(r.props))) {
    throw new UsageError("outgoing webhook answer: props must be an object");
  }
  return r as OutgoingWebhookResponse;
}

/** Parses a payload (form or JSON fields); 400 naming the field when malformed. */
export function parseOutgoingWebhook(body: Record<string, unknown>, isForm: boolean): OutgoingWebhookRequest {
  const what = "outgoing webhook payload";
  const s = (name: string) => stringField(body, name, what);
  const rawTime = body.timestamp;
  let timestamp = 0;
  if (rawTime !== undefined && rawTime !== "") {
    const n =
      typeof rawTime === "number"
        ? rawTime
        : typeof rawTime === "string" && /^\d{1,16}$/.test(rawTime)
          ? Number(rawTime)
          : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 0) throw new RequestRefused(400, `${what}: "timestamp" must be a whole number`);
    timestamp = isForm ? n * 1000 : n;
  }
  const files = s("file_ids");
  return {
    token: s("token"),
    team_id: s("team_id"),
    team_domain: s("team_domain"),
    channel_id: s("channel_id"),
    channel_name: s("channel_name"),
    timestamp,
    user_id: s("user_id"),
    user_name: s("user_name"),
    post_id: s("post_id"),
    text: s("text"),
    trigger_word: s("trigger_word"),
    file_ids: files ? files.split(",").filter(Boolean) : [],
  };
}

export interface OutgoingWebhookHandlerOptions extends HandlerOptions {
  /** The hook's token, or several while rotating. */
  token: string | readonly string[];
  handle(
    request: OutgoingWebhookRequest,
  ): OutgoingWebhookResponse | string | undefined | Promise<OutgoingWebhookResponse | string | undefined>;
}

/** An endpoint for an outgoing webhook: checks the token, parses the payload, answers (a string is a text). */
export function outgoingWebhookHandler(options: OutgoingWebhookHandlerOptions): IntegrationHandler {
  if (typeof options?.handle !== "function")
    throw new UsageError("outgoingWebhookHandler: `handle` must be a function");
  const tokens = checkTokens(options.token, "outgoing webhook");
  const report = reporter(options, () => tokens);
  return endpoint(["POST"], report, new PendingWork(0), async (request) => {
    const isForm = mediaType(request) !== "application/json";
    const body = await readFields(request, options, "outgoing webhook payload");
    const token = typeof body.token === "string" ? body.token : undefined;
    if (!tokenMatches(token, tokens)) throw new RequestRefused(401, "invalid or missing webhook token");
    const payload = parseOutgoingWebhook(body, isForm);
    const result = await options.handle(payload);
    if (result === undefined || result === "") return textResponse(200, "");
    return jsonResponse(checkOutgoingWebhookResponse(typeof result === "string" ? { text: result } : result));
  });
}
