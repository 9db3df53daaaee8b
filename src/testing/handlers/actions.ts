/**
 * Interactive messages: a click on a button or a pick in a menu of a post's attachment (POST
 * /api/v4/posts/{post_id}/actions/{action_id}, api4/integration_action.go f63f658ee8c6efca2ee03891725cb80120ae8676)
 * makes the server POST a PostActionIntegrationRequest to the action's integration URL and apply the answer
 * (app/integration_action.go DoPostActionWithCookie, 0029e8dacc78839683fc5c5d4f009478e32dc229): `update` replaces the
 * post's message and props (keeping is_pinned, has_reactions, and the from_webhook and override_* props the post
 * had), `ephemeral_text` goes to the user who clicked, in the post's thread. The caller gets
 * {"status":"OK","trigger_id":<client trigger id>}.
 */
import { Errors } from "../app-error.js";
import { type Env, isAdmin } from "../env.js";
import { isValidId } from "../ids.js";
import { callIntegration, IntegrationCallError } from "../integration-calls.js";
import { ActionErrors } from "../integration-errors.js";
import {
  findAction,
  generateActionIds,
  type Integrations,
  integrationsOf,
  sendEphemeralPost,
  slackLinksToMarkdown,
} from "../integrations.js";
import type { Router } from "../router.js";
import type { PostRecord, UserRecord } from "../store.js";

/** model.PostActionRetainPropKeys. */
const RETAINED = ["from_webhook", "override_username", "override_icon_url"];

export function registerActions(router: Router, env: Env): void {
  router.add("POST", "/api/v4/posts/{post_id}/actions/{action_id}", "DoPostAction", async (ctx) => {
    const me = ctx.me();
    if (!isValidId(ctx.params.post_id)) throw Errors.invalidUrlParam("post_id");
    // A body that does not decode is only logged by the server; {selected_option, cookie} otherwise.
    let selected = "";
    try {
      const body = JSON.parse(ctx.body.toString("utf8")) as { selected_option?: unknown };
      if (typeof body?.selected_option === "string") selected = body.selected_option;
    } catch {
      // as the server: go on without
    }
    return { json: await doPostAction(env, me, ctx.params.post_id, ctx.params.action_id, selected) };
  });
}

/** Where an action URL must lead: an http(s) URL (the fake has no plugins to route /plugins/ paths to). */
async function postToAction(state: Integrations, url: string, payload: unknown): Promise<Buffer> {
  let answer: Awaited<ReturnType<typeof callIntegration>>;
  try {
    answer = await callIntegration({
      method: "POST",
      url,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload),
      timeoutMs: state.timeout,
    });
  } catch (error) {
    if (!(error instanceof IntegrationCallError)) throw error;
    state.warn(`integration action ${url}: ${error.message}`);
    throw ActionErrors.integration(`err=${error.message}`);
  }
  if (answer.status !== 200) throw ActionErrors.integration(`status=${answer.status}`);
  if (answer.truncated) throw ActionErrors.integration("the answer is larger than 1 MiB");
  return answer.body;
}

export { postToAction };

export async function doPostAction(
  env: Env,
  me: UserRecord,
  postId: string,
  actionId: string,
  selectedOption: string,
): Promise<Record<string, unknown>> {
  const state = integrationsOf(env) as Integrations;
  const { store } = env;
  const post = store.posts.get(postId);
  const channel = post && store.channels.get(post.channel_id);
  // SessionHasPermissionToChannelByPost: no post, no permission.
  if (!post || !channel) throw Errors.permissions("read_channel_content");
  if (!store.isChannelMember(channel.id, me.id) && !isAdmin(me)) throw Errors.permissions("read_channel_content");
  if (post.delete_at !== 0) throw ActionErrors.postMissing();
  const action = findAction(post, actionId);
  const integration = action?.integration as { url?: unknown; context?: unknown } | undefined;
  if (!action || !integration || typeof integration !== "object") throw ActionErrors.actionId(`action=${actionId}`);

  const type = typeof action.type === "string" ? action.type : "";
  const context =
    integration.context && typeof integration.context === "object" && !Array.isArray(integration.context)
      ? { ...(integration.context as Record<string, unknown>) }
      : undefined;
  const team = channel.team_id ? store.teams.get(channel.team_id) : undefined;
  const ids = state.newTrigger({ userId: me.id, channelId: channel.id, teamId: channel.team_id });
  // model.PostActionIntegrationRequest, fields in struct order; context omitted when empty.
  const request: Record<string, unknown> = {
    user_id: me.id,
    user_name: me.username,
    channel_id: channel.id,
    channel_name: channel.name,
    team_id: channel.team_id,
    team_domain: team?.name ?? "",
    post_id: post.id,
    trigger_id: ids.triggerId,
    type,
    data_source: "",
  };
  let sentContext = context;
  if (type === "select" && selectedOption !== "") {
    request.data_source = typeof action.data_source === "string" ? action.data_source : "";
    sentContext = { ...(context ?? {}), selected_option: selectedOption };
  }
  if (sentContext && Object.keys(sentContext).length > 0) request.context = sentContext;

  const retained: Record<string, unknown> = {};
  for (const key of RETAINED) if (post.props && key in post.props) retained[key] = post.props[key];
  const url = typeof integration.url === "string" ? integration.url : "";
  const body = await postToAction(state, url, request);
  let response: { update?: unknown; ephemeral_text?: unknown; skip_slack_parsing?: unknown } = {};
  if (body.length > 0) {
    try {
      const parsed = JSON.parse(body.toString("utf8"));
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new TypeError("not an object");
      response = parsed;
    } catch (error) {
      throw ActionErrors.integration(`invalid JSON: ${(error as Error).message}`);
    }
  }
  if (response.update && typeof response.update === "object") {
    applyUpdate(env, post, response.update as Record<string, unknown>, retained);
  }
  if (typeof response.ephemeral_text === "string" && response.ephemeral_text !== "") {
    const text = response.ephemeral_text;
    sendEphemeralPost(env, me.id, {
      channel_id: channel.id,
      root_id: post.root_id || post.id,
      message: response.skip_slack_parsing === true ? text : slackLinksToMarkdown(text),
      props: { ...retained },
    });
  }
  return { status: "OK", trigger_id: ids.clientTriggerId };
}

/**
 * The post after an action's `update` (DoPostActionWithCookie, then app/post.go UpdatePost): the message is the
 * update's (empty when it has none), props the update's with the retained keys put back (or the old props when
 * the update has none); pinning and reactions stay.
 */
function applyUpdate(env: Env, post: PostRecord, update: Record<string, unknown>, retained: Record<string, unknown>) {
  const message = typeof update.message === "string" ? update.message : "";
  let props: Record<string, unknown> | null = post.props;
  if (update.props && typeof update.props === "object" && !Array.isArray(update.props)) {
    props = { ...(update.props as Record<string, unknown>) };
    for (const key of RETAINED) delete props[key];
    Object.assign(props, retained);
  }
  generateActionIds(props);
  const at = env.store.now();
  if (message !== post.message) post.edit_at = at;
  post.message = message;
  post.props = props;
  post.update_at = at;
  env.publish("post_edited", { post: JSON.stringify(env.store.postJson(post)) }, { channel_id: post.channel_id });
}
