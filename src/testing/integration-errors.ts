/**
 * The AppErrors of the server's integration code, with its ids and statuses; each names where the server raises
 * it. The English texts are ours (en.json was not read), the ids and statuses are the server's.
 */
import { AppErrorReply } from "./app-error.js";

const err =
  (status: number, id: string, message: string) =>
  (detailed = "") =>
    new AppErrorReply(status, id, message, detailed);

// server/channels/app/command.go 01e8aa5575c47daf35267c369130da1d2eed5001 and api4/command.go
// 86b60aad17fc4a9c1d446b680bd6a85bab9eadca.
export const CommandErrors = {
  start: err(400, "api.command.execute_command.start.app_error", "No command trigger found."),
  format: err(400, "api.command.execute_command.format.app_error", "Command trigger must start with a slash."),
  notFound: (trigger: string) =>
    new AppErrorReply(
      404,
      "api.command.execute_command.not_found.app_error",
      `Command with a trigger of '${trigger}' not found. To send a message beginning with "/", try adding an empty space at the beginning of the message.`,
    ),
  failed: (trigger: string, detailed = "") =>
    new AppErrorReply(
      500,
      "api.command.execute_command.failed.app_error",
      `Command with a trigger of '${trigger}' failed.`,
      detailed,
    ),
  failedResp: (trigger: string, status: string, detailed = "") =>
    new AppErrorReply(
      500,
      "api.command.execute_command.failed_resp.app_error",
      `Command with a trigger of '${trigger}' returned response ${status}.`,
      detailed,
    ),
  createPostFailed: (trigger: string) =>
    new AppErrorReply(
      500,
      "api.command.execute_command.create_post_failed.app_error",
      `Command '${trigger}' failed to post response. Please contact your System Administrator.`,
    ),
  postForbidden: err(
    403,
    "api.command.command_post.forbidden.app_error",
    "Specified user is not a member of specified channel.",
  ),
  duplicateTrigger: err(
    400,
    "api.command.duplicate_trigger.app_error",
    "This trigger word is already in use. Please choose another word.",
  ),
  // model/command.go IsValid (1140b87e03b700f9eb8cfcae7393f5a86271f687)
  invalid: (what: string) =>
    new AppErrorReply(400, `model.command.is_valid.${what}.app_error`, `Invalid command ${what}.`),
  // web/context.go SetCommandNotFoundError (the id says "save", the server's own)
  missing: err(404, "store.sql_command.save.get.app_error", "Unable to get the command."),
  // app/webhook.go HandleCommandWebhook (6f3312ac460b34c382fd67cf47486c872e1bb548), web/webhook.go commandWebhook
  hookMissing: err(404, "app.command_webhook.get.missing", "Unable to find the webhook."),
  hookUsedUp: err(400, "app.command_webhook.try_use.invalid", "Invalid webhook."),
  hookParse: err(400, "web.command_webhook.parse.app_error", "Unable to parse incoming data."),
  // app/command.go CreateCommandPost: a system type
  invalidPostType: err(400, "api.context.invalid_param.app_error", "Invalid post.type parameter."),
};

// server/channels/app/integration_action.go 0029e8dacc78839683fc5c5d4f009478e32dc229 and api4/integration_action.go
// f63f658ee8c6efca2ee03891725cb80120ae8676.
export const ActionErrors = {
  integration: err(400, "api.post.do_action.action_integration.app_error", "Action integration error."),
  actionId: err(404, "api.post.do_action.action_id.app_error", "Invalid action id."),
  postMissing: err(404, "app.post.get.app_error", "Unable to get the post."),
  decodeJson: err(
    500,
    "app.submit_interactive_dialog.decode_json_error",
    "Failed to decode the dialog submission's answer.",
  ),
};

// server/channels/app/webhook.go 6f3312ac460b34c382fd67cf47486c872e1bb548, web/webhook.go
// afd82b02e276cca9ec13c23dab9f08508b875c1b, model/incoming_webhook.go and outgoing_webhook.go.
export const WebhookErrors = {
  incomingMissing: err(404, "app.webhooks.get_incoming.app_error", "Unable to get the webhook."),
  outgoingMissing: err(404, "app.webhooks.get_outgoing.app_error", "Unable to get the webhook."),
  invalidUsername: err(400, "api.incoming_webhook.invalid_username.app_error", "Invalid username."),
  incomingInvalid: (what: string) =>
    new AppErrorReply(400, `model.incoming_hook.${what}.app_error`, `Invalid incoming webhook ${what}.`),
  outgoingInvalid: (what: string) =>
    new AppErrorReply(400, `model.outgoing_hook.is_valid.${what}.app_error`, `Invalid outgoing webhook ${what}.`),
  // CreateOutgoingWebhook: a channel that is not open gets this id (the "disabled" one) with a 403.
  outgoingChannel: err(403, "api.outgoing_webhook.disabled.app_error", "Outgoing webhooks have been disabled."),
  outgoingTeam: err(
    403,
    "api.webhook.create_outgoing.permissions.app_error",
    "Invalid permissions to create outgoing webhook.",
  ),
  outgoingTriggers: err(
    400,
    "api.webhook.create_outgoing.triggers.app_error",
    "Either trigger_words or channel_id must be set.",
  ),
  outgoingIntersect: err(
    500,
    "api.webhook.create_outgoing.intersect.app_error",
    "Outgoing webhooks from the same channel cannot have the same trigger words/callback URLs.",
  ),
  parse: err(400, "model.incoming_hook.parse_data.app_error", "Unable to parse incoming data."),
  mediaType: err(400, "api.webhook.incoming.error", "Could not decode the multipart payload of incoming webhook."),
  text: err(400, "web.incoming_webhook.text.app_error", "No text specified."),
  invalidHook: err(400, "web.incoming_webhook.invalid.app_error", "Invalid webhook."),
  channel: err(404, "web.incoming_webhook.channel.app_error", "Couldn't find the channel."),
  user: err(400, "web.incoming_webhook.user.app_error", "Couldn't find the user."),
  channelLocked: err(
    403,
    "web.incoming_webhook.channel_locked.app_error",
    "This webhook is not permitted to post to the requested channel.",
  ),
  permissions: err(403, "web.incoming_webhook.permissions.app_error", "Inappropriate channel permissions."),
};
