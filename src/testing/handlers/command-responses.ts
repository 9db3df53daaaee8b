/**
 * What the server does with a slash command's CommandResponse (app/command.go HandleCommandResponse,
 * HandleCommandResponsePost and CreateCommandPost, 01e8aa5575c47daf35267c369130da1d2eed5001): the response and each
 * of its extra_responses becomes an in_channel post (a post by the user who ran the command, marked from_webhook)
 * or an ephemeral post only that user sees; Slack markup is converted unless skip_slack_parsing; a response may
 * name another channel the user is in; a system post type is refused. Any failure fails the whole call with
 * create_post_failed, after the others were made.
 */
import type { AppErrorReply } from "../app-error.js";
import type { Env } from "../env.js";
import { CommandErrors } from "../integration-errors.js";
import {
  createIntegrationPost,
  type Integrations,
  processSlackText,
  sendEphemeralPost,
  slackLinksToMarkdown,
} from "../integrations.js";
import type { CommandRecord, CommandResponseRecord } from "../records/commands.js";
import type { ChannelRecord } from "../store.js";
import { triggerOutgoingWebhooks } from "./outgoing-webhooks.js";

export interface CommandTarget {
  userId: string;
  channel: ChannelRecord | undefined;
  teamId: string;
  rootId: string;
}

export function applyCommandResponse(
  env: Env,
  state: Integrations,
  command: CommandRecord,
  target: CommandTarget,
  response: CommandResponseRecord,
): void {
  let failed: AppErrorReply | undefined;
  for (const each of [response, ...(response.extra_responses ?? [])]) {
    try {
      postResponse(env, state, command, target, each);
    } catch (error) {
      state.warn(`slash command /${command.trigger}: ${(error as Error).message}`);
      failed = error as AppErrorReply;
    }
  }
  if (failed) throw CommandErrors.createPostFailed(command.trigger);
}

function postResponse(
  env: Env,
  state: Integrations,
  command: CommandRecord,
  target: CommandTarget,
  response: CommandResponseRecord,
): void {
  const props: Record<string, unknown> = { ...(response.props ?? {}) };
  let channelId = target.channel?.id ?? "";
  if (response.channel_id) {
    if (!env.store.isChannelMember(response.channel_id, target.userId)) throw CommandErrors.postForbidden();
    channelId = response.channel_id;
  }
  if (state.usernameOverride && (command.username || response.username)) {
    props.override_username = command.username || response.username;
  }
  if (state.iconOverride && (command.icon_url || response.icon_url)) {
    props.override_icon_url = command.icon_url || response.icon_url;
  }
  // A custom command's answer is a bot-style post.
  props.from_webhook = "true";
  if (!state.usernameOverride) delete props.override_username;
  if (!state.iconOverride) {
    delete props.override_icon_url;
    delete props.override_icon_emoji;
  }
  if (!response.skip_slack_parsing) response.text = processSlackText(response.text);
  const message = response.skip_slack_parsing ? response.text : slackLinksToMarkdown(response.text);
  let type = response.type;
  if (type.startsWith("system_")) throw CommandErrors.invalidPostType();
  if (response.attachments) {
    // model.ParseSlackAttachment: the attachments go to props, and the post becomes a slack_attachment post.
    if (type === "") type = "slack_attachment";
    props.attachments = response.attachments;
  }
  if (response.response_type === "in_channel") {
    const post = createIntegrationPost(env, {
      user_id: target.userId,
      channel_id: channelId,
      root_id: target.rootId,
      message,
      type,
      props,
    });
    // CreateCommandPost creates it with TriggerWebhooks: outgoing webhooks may answer a command's post.
    triggerOutgoingWebhooks(env, post);
    return;
  }
  if (
    (response.response_type === "" || response.response_type === "ephemeral") &&
    (message !== "" || response.attachments)
  ) {
    sendEphemeralPost(env, target.userId, { channel_id: channelId, root_id: target.rootId, message, props });
  }
}
