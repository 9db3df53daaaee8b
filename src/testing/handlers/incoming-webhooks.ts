/**
 * Incoming webhooks (api4/webhook.go; web/webhook.go afd82b02e276cca9ec13c23dab9f08508b875c1b incomingWebhook;
 * app/webhook.go 6f3312ac460b34c382fd67cf47486c872e1bb548 HandleIncomingWebhook and CreateWebhookPost): create and
 * read a hook, and POST <site>/hooks/<id> with a JSON IncomingWebhookRequest, or a form whose `payload` field holds
 * it. Text or attachments are required; `channel` may name another channel of the hook's team ("town-square",
 * "#town-square") or a user ("@name": their direct channel with the hook's creator) unless the hook is locked to
 * its channel; username and icon overrides apply only when the server allows them. The answer is the text "ok".
 */
import { Errors } from "../app-error.js";
import { type Env, isAdmin } from "../env.js";
import { isValidId, newId } from "../ids.js";
import { WebhookErrors } from "../integration-errors.js";
import {
  canManageTeamIntegrations,
  createIntegrationPost,
  type Integrations,
  integrationsOf,
  processSlackText,
  slackLinksToMarkdown,
  textOk,
} from "../integrations.js";
import { type IncomingWebhookRecord, incomingWebhookJson } from "../records/webhooks.js";
import type { Context, Router } from "../router.js";
import type { ChannelRecord, PostRecord } from "../store.js";

export function registerIncomingWebhooks(router: Router, env: Env): void {
  const state = () => integrationsOf(env) as Integrations;
  const { store } = env;

  router.add("POST", "/api/v4/hooks/incoming", "CreateIncomingWebhook", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<IncomingWebhookRecord>>("incoming_webhook");
    if (typeof body !== "object" || body === null) throw Errors.invalidBodyParam("incoming_webhook");
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const channel = store.channels.get(text(body.channel_id));
    if (channel?.delete_at !== 0) throw Errors.channelMissing();
    if (!canManageTeamIntegrations(env, me, channel.team_id)) throw Errors.permissions("manage_incoming_webhooks");
    if (channel.type !== "O" && !store.isChannelMember(channel.id, me.id)) throw Errors.permissions("read_channel");
    const at = store.now();
    const hook: IncomingWebhookRecord = {
      id: newId(),
      create_at: at,
      update_at: at,
      delete_at: 0,
      user_id: me.id,
      channel_id: channel.id,
      team_id: channel.team_id,
      display_name: text(body.display_name),
      description: text(body.description),
      // CreateIncomingWebhookForChannel drops the overrides the server does not allow.
      username: state().usernameOverride ? text(body.username) : "",
      icon_url: state().iconOverride ? text(body.icon_url) : "",
      channel_locked: body.channel_locked === true,
      webhook_schema_translation: null,
    };
    if (hook.username && !/^[a-z0-9.\-_]{3,22}$/.test(hook.username)) throw WebhookErrors.invalidUsername();
    if (hook.display_name.length > 64) throw WebhookErrors.incomingInvalid("display_name");
    if (hook.description.length > 500) throw WebhookErrors.incomingInvalid("description");
    if (hook.icon_url.length > 1024) throw WebhookErrors.incomingInvalid("icon_url");
    state().incoming.set(hook.id, hook);
    return { status: 201, json: incomingWebhookJson(hook) };
  });

  router.add("GET", "/api/v4/hooks/incoming/{hook_id}", "GetIncomingWebhook", (ctx) => {
    const me = ctx.me();
    if (!isValidId(ctx.params.hook_id)) throw Errors.invalidUrlParam("hook_id");
    const hook = state().incoming.get(ctx.params.hook_id);
    if (hook?.delete_at !== 0) throw WebhookErrors.incomingMissing();
    if (!canManageTeamIntegrations(env, me, hook.team_id)) throw Errors.permissions("manage_incoming_webhooks");
    return { json: incomingWebhookJson(hook) };
  });

  // Outside /api/v4 (not in the spec); the hook id is the credential.
  router.add("POST", "/hooks/{id}", "IncomingWebhookPost", (ctx) => {
    handleIncoming(env, state(), ctx.params.id, readRequest(ctx));
    return textOk();
  });
}

/** web/webhook.go incomingWebhook: the request by its media type. */
function readRequest(ctx: Context): Record<string, unknown> {
  const header = String(ctx.req.headers["content-type"] ?? "");
  const mediaType = header.split(";")[0].trim().toLowerCase();
  let raw = ctx.body.toString("utf8");
  if (mediaType === "application/x-www-form-urlencoded") raw = new URLSearchParams(raw).get("payload") ?? "";
  else if (mediaType === "multipart/form-data") {
    // The server decodes the form's fields into the request; the fake does not read multipart forms.
    throw WebhookErrors.mediaType("the fake server does not read multipart/form-data webhook requests");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // IncomingWebhookRequestFromJSON retries with raw newlines and tabs escaped inside string values.
    try {
      parsed = JSON.parse(raw.replace(/"(?:[^"\\]|\\.)*"/gs, (s) => s.replace(/\n/g, "\\n").replace(/\t/g, "\\t")));
    } catch {
      throw WebhookErrors.parse();
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw WebhookErrors.parse();
  return parsed as Record<string, unknown>;
}

function handleIncoming(env: Env, state: Integrations, hookId: string, req: Record<string, unknown>): void {
  const { store } = env;
  const text = typeof req.text === "string" ? req.text : "";
  const attachments = Array.isArray(req.attachments) ? req.attachments : null;
  if (text === "" && attachments === null) throw WebhookErrors.text();
  const hook = state.incoming.get(hookId);
  if (hook?.delete_at !== 0) throw WebhookErrors.invalidHook();
  const creator = store.users.get(hook.user_id);
  const props =
    req.props && typeof req.props === "object" && !Array.isArray(req.props)
      ? { ...(req.props as Record<string, unknown>) }
      : {};
  props.webhook_display_name = hook.display_name;
  let type = typeof req.type === "string" ? req.type : "";
  if (attachments && attachments.length > 0) {
    props.attachments = attachments;
    type = "slack_attachment";
  }
  const name = typeof req.channel === "string" ? req.channel : "";
  let channel: ChannelRecord | undefined;
  if (name.startsWith("@")) {
    const other = store.userByName(name.slice(1));
    if (!other) throw WebhookErrors.user();
    channel = directChannel(env, hook.user_id, other.id);
  } else if (name !== "") {
    channel = store.channelByName(hook.team_id, name.startsWith("#") ? name.slice(1) : name);
    if (!channel) throw WebhookErrors.channel();
  } else {
    channel = store.channels.get(hook.channel_id);
    if (channel?.delete_at !== 0) throw Errors.channelMissing();
  }
  if (hook.channel_locked && hook.channel_id !== channel.id) throw WebhookErrors.channelLocked();
  if (!creator) throw WebhookErrors.user();
  if (channel.type !== "O" && !store.isChannelMember(channel.id, creator.id) && !isAdmin(creator)) {
    throw WebhookErrors.permissions();
  }
  createWebhookPost(env, state, {
    userId: hook.user_id,
    channel,
    text: processSlackText(text),
    username: typeof req.username === "string" && req.username ? req.username : hook.username,
    iconUrl: typeof req.icon_url === "string" && req.icon_url ? req.icon_url : hook.icon_url,
    iconEmoji: typeof req.icon_emoji === "string" ? req.icon_emoji : "",
    props,
    type,
    rootId: "",
  });
}

/** The direct channel of two users (named by their ids in order, as the server names it), made if missing. */
function directChannel(env: Env, a: string, b: string): ChannelRecord {
  const [first, second] = [a, b].sort();
  const name = `${first}__${second}`;
  for (const channel of env.store.channels.values()) if (channel.type === "D" && channel.name === name) return channel;
  const channel = env.store.createChannel({ team_id: "", name, display_name: "", type: "D", creator_id: a });
  env.store.addChannelMember(channel.id, first);
  if (second !== first) env.store.addChannelMember(channel.id, second);
  return channel;
}

export interface WebhookPostInput {
  userId: string;
  channel: ChannelRecord;
  text: string;
  username: string;
  iconUrl: string;
  iconEmoji: string;
  props: Record<string, unknown>;
  type: string;
  rootId: string;
}

/** app/webhook.go CreateWebhookPost: the post a webhook makes (posts made this way fire no outgoing webhooks). */
export function createWebhookPost(env: Env, state: Integrations, input: WebhookPostInput): PostRecord {
  if (input.type.startsWith("system_")) throw Errors.invalidBodyParam("post.type");
  const props: Record<string, unknown> = { from_webhook: "true" };
  if (state.usernameOverride) props.override_username = input.username || "webhook";
  if (state.iconOverride) {
    if (input.iconUrl) props.override_icon_url = input.iconUrl;
    if (input.iconEmoji) props.override_icon_emoji = input.iconEmoji;
  }
  for (const [key, value] of Object.entries(input.props)) {
    if (!["override_icon_url", "override_username", "from_webhook"].includes(key)) props[key] = value;
  }
  return createIntegrationPost(env, {
    user_id: input.userId,
    channel_id: input.channel.id,
    root_id: input.rootId,
    message: slackLinksToMarkdown(input.text, true),
    type: input.type,
    props,
  });
}
