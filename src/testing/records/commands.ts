/**
 * Slash commands as the server keeps and writes them (model/command.go, model/command_response.go), and the
 * short-lived response_url hooks (model/command_webhook.go).
 */
import { encode, goShape } from "./wire.js";

export interface CommandRecord {
  id: string;
  token: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  creator_id: string;
  team_id: string;
  trigger: string;
  /** "P" (POST, form body) or "G" (GET, query string). */
  method: string;
  username: string;
  icon_url: string;
  auto_complete: boolean;
  auto_complete_desc: string;
  auto_complete_hint: string;
  display_name: string;
  description: string;
  url: string;
  plugin_id: string;
}

/** model.Command (command.go 1140b87e03b700f9eb8cfcae7393f5a86271f687): every field written, no omitempty but the autocomplete extras. */
export const COMMAND = goShape<CommandRecord>("Command", "command.go", "1140b87e03b700f9eb8cfcae7393f5a86271f687", [
  "id",
  "token",
  "create_at",
  "update_at",
  "delete_at",
  "creator_id",
  "team_id",
  "trigger",
  "method",
  "username",
  "icon_url",
  "auto_complete",
  "auto_complete_desc",
  "auto_complete_hint",
  "display_name",
  "description",
  "url",
  "plugin_id",
]);

export const commandJson = (command: CommandRecord) => encode(COMMAND, command);

/** A CommandResponse as the integration may send it (any field may be missing or of the wrong type). */
export interface CommandResponseRecord {
  response_type: string;
  text: string;
  username: string;
  channel_id: string;
  icon_url: string;
  type: string;
  props: Record<string, unknown> | null;
  goto_location: string;
  trigger_id: string;
  skip_slack_parsing: boolean;
  attachments: Record<string, unknown>[] | null;
  extra_responses: CommandResponseRecord[] | null;
}

/** model.CommandResponse (command_response.go 8807cfbab545a19a6b2f34fec259ae84e6b3b05d): no omitempty anywhere. */
export const COMMAND_RESPONSE = goShape<CommandResponseRecord>(
  "CommandResponse",
  "command_response.go",
  "8807cfbab545a19a6b2f34fec259ae84e6b3b05d",
  [
    "response_type",
    "text",
    "username",
    "channel_id",
    "icon_url",
    "type",
    "props*",
    "goto_location",
    "trigger_id",
    "skip_slack_parsing",
    "attachments*",
    "extra_responses*",
  ],
);

const str = (value: unknown) => (typeof value === "string" ? value : "");
const objectOrNull = (value: unknown) =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
const objects = (value: unknown) =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => objectOrNull(v) !== null) : null;

/**
 * A decoded CommandResponse with Go's zero values where the integration sent nothing: the record the server
 * keeps after json.Unmarshal. Nested extra responses are read one level deep (their own extras are ignored by
 * HandleCommandResponse, app/command.go).
 */
export function readCommandResponse(raw: unknown, depth = 0): CommandResponseRecord {
  const value = objectOrNull(raw) ?? {};
  const extras = depth === 0 ? objects(value.extra_responses) : null;
  return {
    response_type: str(value.response_type),
    text: str(value.text),
    username: str(value.username),
    channel_id: str(value.channel_id),
    icon_url: str(value.icon_url),
    type: str(value.type),
    props: objectOrNull(value.props),
    goto_location: str(value.goto_location),
    trigger_id: str(value.trigger_id),
    skip_slack_parsing: value.skip_slack_parsing === true,
    attachments: objects(value.attachments),
    extra_responses: extras ? extras.map((extra) => readCommandResponse(extra, depth + 1)) : null,
  };
}

export function commandResponseJson(response: CommandResponseRecord): Record<string, unknown> {
  return encode(COMMAND_RESPONSE, {
    ...response,
    extra_responses: response.extra_responses?.map((extra) => commandResponseJson(extra) as never) ?? null,
  });
}

/** A response_url hook (model.CommandWebhook): usable 5 times within 30 minutes (CommandWebhookLifetime). */
export interface CommandHookRecord {
  id: string;
  create_at: number;
  command_id: string;
  user_id: string;
  channel_id: string;
  root_id: string;
  use_count: number;
}
