/**
 * Outgoing webhooks (api4/webhook.go, app/webhook.go 6f3312ac460b34c382fd67cf47486c872e1bb548): create, read,
 * delete; and the trigger: a post in an open channel whose first word matches a hook's trigger words (exactly, or
 * as a prefix with trigger_when 1), or any post in the hook's channel when it has no trigger words, makes the
 * server POST the OutgoingWebhookPayload (form-encoded, timestamp in seconds; or JSON with content_type
 * application/json, timestamp in ms) to each callback URL, in the background, and post the answer: its text and
 * attachments, as the hook's creator, marked from_webhook, with webhook_display_name; response_type "comment"
 * makes it a reply to the triggering post.
 */
import { Errors } from "../app-error.js";
import { type Env, ok } from "../env.js";
import { isValidId, newId } from "../ids.js";
import { callIntegration } from "../integration-calls.js";
import { WebhookErrors } from "../integration-errors.js";
import { canManageTeamIntegrations, type Integrations, integrationsOf } from "../integrations.js";
import { type OutgoingWebhookRecord, outgoingWebhookJson } from "../records/webhooks.js";
import type { Context, Router } from "../router.js";
import type { PostRecord } from "../store.js";
import { createWebhookPost } from "./incoming-webhooks.js";

export function registerOutgoingWebhooks(router: Router, env: Env): void {
  const state = () => integrationsOf(env) as Integrations;
  const { store } = env;

  router.add("POST", "/api/v4/hooks/outgoing", "CreateOutgoingWebhook", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<OutgoingWebhookRecord>>("outgoing_webhook");
    if (typeof body !== "object" || body === null) throw Errors.invalidBodyParam("outgoing_webhook");
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : null);
    const channelId = text(body.channel_id);
    const channel = channelId ? store.channels.get(channelId) : undefined;
    if (channelId && channel?.delete_at !== 0) throw Errors.channelMissing();
    const teamId = text(body.team_id);
    if (!canManageTeamIntegrations(env, me, teamId)) throw Errors.permissions("manage_outgoing_webhooks");
    if (channel && channel.type !== "O") throw WebhookErrors.outgoingChannel();
    if (channel && teamId !== channel.team_id) throw WebhookErrors.outgoingTeam();
    const at = store.now();
    const hook: OutgoingWebhookRecord = {
      id: newId(),
      token: newId(),
      create_at: at,
      update_at: at,
      delete_at: 0,
      creator_id: me.id,
      channel_id: channelId,
      team_id: teamId,
      trigger_words: list(body.trigger_words),
      trigger_when: typeof body.trigger_when === "number" ? body.trigger_when : 0,
      callback_urls: list(body.callback_urls),
      display_name: text(body.display_name),
      description: text(body.description),
      content_type: text(body.content_type),
      username: text(body.username),
      icon_url: text(body.icon_url),
    };
    validate(hook);
    for (const other of state().outgoing.values()) {
      const shared = (a: string[] | null, b: string[] | null) => (a ?? []).some((x) => (b ?? []).includes(x));
      if (
        other.delete_at === 0 &&
        other.channel_id === hook.channel_id &&
        shared(other.callback_urls, hook.callback_urls) &&
        shared(other.trigger_words, hook.trigger_words)
      ) {
        throw WebhookErrors.outgoingIntersect();
      }
    }
    state().outgoing.set(hook.id, hook);
    return { status: 201, json: outgoingWebhookJson(hook) };
  });

  const hookParam = (ctx: Context): OutgoingWebhookRecord => {
    const me = ctx.me();
    const id = ctx.params.hook_id;
    if (!isValidId(id)) throw Errors.invalidUrlParam("hook_id");
    const hook = state().outgoing.get(id);
    if (hook?.delete_at !== 0) throw WebhookErrors.outgoingMissing();
    if (!canManageTeamIntegrations(env, me, hook.team_id)) throw Errors.permissions("manage_outgoing_webhooks");
    return hook;
  };

  router.add("GET", "/api/v4/hooks/outgoing/{hook_id}", "GetOutgoingWebhook", (ctx) => ({
    json: outgoingWebhookJson(hookParam(ctx)),
  }));

  router.add("DELETE", "/api/v4/hooks/outgoing/{hook_id}", "DeleteOutgoingWebhook", (ctx) => {
    hookParam(ctx).delete_at = store.now();
    return ok();
  });
}

/** model.OutgoingWebhook.IsValid, and app CreateOutgoingWebhook's rule that a hook needs a channel or trigger words. */
function validate(hook: OutgoingWebhookRecord): void {
  if (!hook.channel_id && (hook.trigger_words ?? []).length === 0) throw WebhookErrors.outgoingTriggers();
  if (!isValidId(hook.team_id)) throw WebhookErrors.outgoingInvalid("team_id");
  if ((hook.trigger_words ?? []).some((w) => w === "")) throw WebhookErrors.outgoingInvalid("trigger_words");
  const urls = hook.callback_urls ?? [];
  if (urls.length === 0 || urls.join(" ").length > 1024) throw WebhookErrors.outgoingInvalid("callback");
  if (!urls.every((u) => /^https?:\/\/[^\s]+$/i.test(u))) throw WebhookErrors.outgoingInvalid("url");
  if (hook.display_name.length > 64) throw WebhookErrors.outgoingInvalid("display_name");
  if (hook.description.length > 500) throw WebhookErrors.outgoingInvalid("description");
  if (hook.content_type.length > 128 || hook.trigger_when > 1 || hook.trigger_when < 0) {
    throw WebhookErrors.outgoingInvalid("content_type");
  }
}

/** app/webhook.go handleWebhookEvents: which hooks a new post fires, each called in the background. */
export function triggerOutgoingWebhooks(env: Env, post: PostRecord): void {
  const state = integrationsOf(env);
  const channel = env.store.channels.get(post.channel_id);
  if (!state || channel?.type !== "O") return;
  const team = env.store.teams.get(channel.team_id);
  const user = env.store.users.get(post.user_id);
  const firstWord = post.message.trim().split(/\s+/)[0] ?? "";
  for (const hook of state.outgoing.values()) {
    if (hook.delete_at !== 0 || hook.team_id !== channel.team_id) continue;
    if (hook.channel_id !== post.channel_id && hook.channel_id !== "") continue;
    const words = hook.trigger_words ?? [];
    let triggerWord: string | undefined;
    if (hook.channel_id === post.channel_id && words.length === 0) triggerWord = "";
    else if (firstWord && hook.trigger_when === 0) triggerWord = words.find((w) => w === firstWord);
    else if (firstWord && hook.trigger_when === 1) triggerWord = words.find((w) => firstWord.startsWith(w));
    if (triggerWord === undefined) continue;
    // model.OutgoingWebhookPayload, in struct order.
    const payload = {
      token: hook.token,
      team_id: hook.team_id,
      team_domain: team?.name ?? "",
      channel_id: post.channel_id,
      channel_name: channel.name,
      timestamp: post.create_at,
      user_id: post.user_id,
      user_name: user?.username ?? "",
      post_id: post.id,
      text: post.message,
      trigger_word: triggerWord,
      file_ids: (post.file_ids ?? []).join(","),
    };
    const json = hook.content_type === "application/json";
    const body = json
      ? JSON.stringify(payload)
      : new URLSearchParams(
          Object.entries({ ...payload, timestamp: String(Math.floor(payload.timestamp / 1000)) }).sort(([a], [b]) =>
            a < b ? -1 : 1,
          ),
        ).toString();
    for (const url of hook.callback_urls ?? []) {
      state.background(() => callHook(env, state, hook, post, url, body, json));
    }
  }
}

async function callHook(
  env: Env,
  state: Integrations,
  hook: OutgoingWebhookRecord,
  post: PostRecord,
  url: string,
  body: string,
  json: boolean,
): Promise<void> {
  const answer = await callIntegration({
    method: "POST",
    url,
    headers: {
      "Content-Type": json ? "application/json" : "application/x-www-form-urlencoded",
      Accept: "application/json",
    },
    body,
    timeoutMs: state.timeout,
  });
  // doOutgoingWebhookRequest decodes the answer whatever its status; an empty one means "no post".
  const text = answer.body.toString("utf8").trim();
  if (text === "") return;
  let response: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return;
    response = parsed;
  } catch {
    state.warn(`outgoing webhook ${hook.id}: the answer of ${url} is not JSON`);
    return;
  }
  const attachments = Array.isArray(response.attachments) ? response.attachments : [];
  if (typeof response.text !== "string" && attachments.length === 0) return;
  const props =
    response.props && typeof response.props === "object" && !Array.isArray(response.props)
      ? { ...(response.props as Record<string, unknown>) }
      : {};
  props.webhook_display_name = hook.display_name;
  if (attachments.length > 0) props.attachments = attachments;
  const username = typeof response.username === "string" && response.username ? response.username : hook.username;
  const iconUrl = typeof response.icon_url === "string" && response.icon_url ? response.icon_url : hook.icon_url;
  const channel = env.store.channels.get(post.channel_id);
  if (!channel) return;
  createWebhookPost(env, state, {
    userId: hook.creator_id,
    channel,
    text: typeof response.text === "string" ? response.text : "",
    username,
    iconUrl,
    iconEmoji: "",
    props,
    type: typeof response.type === "string" ? response.type : "",
    rootId: response.response_type === "comment" ? post.id : "",
  });
}
