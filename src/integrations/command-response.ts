/**
 * What a slash command answers (model.CommandResponse, server/public/model/command_response.go @ 8807cfbab545),
 * checked before it is sent. The server reads a JSON answer only when its Content-Type is application/json, and any
 * other body as the text of an ephemeral answer; an empty ephemeral answer (no text, no attachments) posts nothing
 * (app/command.go @ 01e8aa5575c4, CreateCommandPost). `in_channel` posts as the user (flagged as from a webhook);
 * `ephemeral` (the default) is seen by the user only; each of `extra_responses` is handled the same way, one level
 * deep; a `type` starting with "system_" is refused by the server.
 */
import { UsageError } from "../core/errors.js";
import type { MessageAttachment } from "./actions.js";

export interface CommandResponse {
  /** "ephemeral" (default: only the user sees it) or "in_channel" (a post in the channel). */
  response_type?: "ephemeral" | "in_channel";
  text?: string;
  /** Shown instead of the command's configured name, if the server allows username overrides. */
  username?: string;
  /** Posts to another channel the user is a member of. */
  channel_id?: string;
  icon_url?: string;
  /** A custom post type (not "system_..."). */
  type?: string;
  props?: Record<string, unknown>;
  /** Where the webapp navigates the user (a URL or a path in the site). */
  goto_location?: string;
  /** Set to skip the Slack-compatibility rewriting of `text` (`<url|label>` links, `<!channel>` ...). */
  skip_slack_parsing?: boolean;
  attachments?: MessageAttachment[];
  /** More answers, each posted like this one (one level deep: theirs are ignored). */
  extra_responses?: Omit<CommandResponse, "extra_responses" | "goto_location">[];
}

const KEYS = new Set([
  "response_type",
  "text",
  "username",
  "channel_id",
  "icon_url",
  "type",
  "props",
  "goto_location",
  "skip_slack_parsing",
  "attachments",
  "extra_responses",
  "trigger_id",
]);
const STRING_KEYS = ["text", "username", "channel_id", "icon_url", "type", "goto_location", "trigger_id"];

function checkOne(value: unknown, where: string, nested: boolean): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${where} must be an object`);
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!KEYS.has(key)) throw new UsageError(`${where}: unknown key "${key}"`);
  }
  for (const key of STRING_KEYS) {
    if (r[key] !== undefined && typeof r[key] !== "string") throw new UsageError(`${where}: ${key} must be a string`);
  }
  if (r.response_type !== undefined && r.response_type !== "ephemeral" && r.response_type !== "in_channel") {
    throw new UsageError(
      `${where}: response_type must be "ephemeral" or "in_channel", got ${JSON.stringify(r.response_type)}`,
    );
  }
  if (typeof r.type === "string" && r.type.startsWith("system_")) {
    throw new UsageError(`${where}: type "${r.type}" is reserved for system messages (the server refuses it)`);
  }
  if (r.skip_slack_parsing !== undefined && typeof r.skip_slack_parsing !== "boolean") {
    throw new UsageError(`${where}: skip_slack_parsing must be a boolean`);
  }
  if (r.props !== undefined && (r.props === null || typeof r.props !== "object" || Array.isArray(r.props))) {
    throw new UsageError(`${where}: props must be an object`);
  }
  if (r.attachments !== undefined && !Array.isArray(r.attachments))
    throw new UsageError(`${where}: attachments must be a list`);
  if (r.extra_responses !== undefined) {
    if (nested) throw new UsageError(`${where}: extra_responses inside extra_responses are ignored by the server`);
    if (!Array.isArray(r.extra_responses)) throw new UsageError(`${where}: extra_responses must be a list`);
    for (const [i, extra] of r.extra_responses.entries()) checkOne(extra, `${where}.extra_responses[${i}]`, true);
  }
}

/** Checks a command answer (a string is an ephemeral text); UsageError naming the key and rule when it is wrong. */
export function checkCommandResponse(response: CommandResponse | string): CommandResponse {
  if (typeof response === "string") return { response_type: "ephemeral", text: response };
  checkOne(response, "command response", false);
  return response;
}
