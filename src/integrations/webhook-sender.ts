/**
 * Posting to an incoming webhook: `POST <site>/hooks/<id>` with an IncomingWebhookRequest as JSON
 * (server/public/model/incoming_webhook.go @ 06ccc1e6919b: text, username, icon_url, channel, props, attachments,
 * type, icon_emoji, priority). The server answers "ok" as text/plain (server/channels/web/webhook.go
 * @ 03138b54208e). The hook id is a secret: whoever has the URL can post; errors never show it.
 */
import { UsageError } from "../core/errors.js";
import type { MessageAttachment } from "./actions.js";
import { checkHookUrl, postWithRetry, redactHookUrl, type SendOptions } from "./http-send.js";

export interface IncomingWebhookPayload {
  /** The message (Markdown). Text or attachments are required. */
  text?: string;
  /** Overrides the hook's username, when the server allows username overrides. */
  username?: string;
  icon_url?: string;
  icon_emoji?: string;
  /** Another channel's name (not id), when the hook is not locked to its channel. */
  channel?: string;
  props?: Record<string, unknown>;
  attachments?: MessageAttachment[];
  /** A custom post type (not "system_..."). */
  type?: string;
  priority?: { priority?: "" | "important" | "urgent"; requested_ack?: boolean; persistent_notifications?: boolean };
}

const KEYS = new Set([
  "text",
  "username",
  "icon_url",
  "icon_emoji",
  "channel",
  "props",
  "attachments",
  "type",
  "priority",
]);

function checkPayload(payload: unknown): IncomingWebhookPayload {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new UsageError("the webhook payload must be an object");
  }
  const p = payload as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!KEYS.has(key)) throw new UsageError(`webhook payload: unknown key "${key}"`);
  for (const key of ["text", "username", "icon_url", "icon_emoji", "channel", "type"]) {
    if (p[key] !== undefined && typeof p[key] !== "string")
      throw new UsageError(`webhook payload: ${key} must be a string`);
  }
  if (p.attachments !== undefined && !Array.isArray(p.attachments))
    throw new UsageError("webhook payload: attachments must be a list");
  if (!p.text && !(Array.isArray(p.attachments) && p.attachments.length > 0)) {
    throw new UsageError("webhook payload: text or attachments are required (the server refuses an empty post)");
  }
  if (typeof p.type === "string" && p.type.startsWith("system_")) {
    throw new UsageError(`webhook payload: type "${p.type}" is reserved for system messages`);
  }
  return p as IncomingWebhookPayload;
}

/**
 * Posts a message through an incoming webhook. Retries after 429 (honouring Retry-After), 502/503/504 and refused
 * connections (options.maxRetries, default 3); throws matterapi's error classes (ApiError subclasses by status,
 * ConnectionError, RequestTimeoutError, RequestAbortedError) with the hook id masked.
 */
export async function postToWebhook(
  url: string,
  payload: IncomingWebhookPayload,
  options: SendOptions = {},
): Promise<void> {
  const parsed = checkHookUrl(url, "the webhook URL");
  if (!/\/hooks\/[A-Za-z0-9]+\/?$/.test(parsed.pathname)) {
    throw new UsageError(`the webhook URL must end in /hooks/<id> (${redactHookUrl(url)})`);
  }
  const body = JSON.stringify(checkPayload(payload));
  await postWithRetry(url, { contentType: "application/json", text: body }, options);
}
