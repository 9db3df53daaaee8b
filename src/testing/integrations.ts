/**
 * The fake server's integrations state (slash commands, webhooks, opened dialogs, trigger ids) and what every
 * integration handler shares: the posts and ephemeral posts an integration's answer makes, with their events.
 * One state per server, found from any handler through the server's Store.
 */
import { type Env, isAdmin } from "./env.js";
import { newId } from "./ids.js";
import type { CommandHookRecord, CommandRecord } from "./records/commands.js";
import { newPost, postJson } from "./records/posts.js";
import type { IncomingWebhookRecord, OutgoingWebhookRecord } from "./records/webhooks.js";
import type { Reply } from "./router.js";
import type { PostRecord, Store, UserRecord } from "./store.js";
import { TriggerIds } from "./trigger-id.js";

export interface IntegrationOptions {
  /**
   * How long the server waits for an integration (slash command, action, dialog submission) and how long a trigger
   * id lives, in ms: ServiceSettings.OutgoingIntegrationRequestsTimeout, 30 s by default. Make it short in tests of
   * integrations that do not answer.
   */
  timeout?: number | undefined;
  /** ServiceSettings.EnablePostUsernameOverride (default false, as the server's default config). */
  enablePostUsernameOverride?: boolean | undefined;
  /** ServiceSettings.EnablePostIconOverride (default false, as the server's default config). */
  enablePostIconOverride?: boolean | undefined;
  /**
   * Answer 400 to a dialog that model.Dialog.IsValid rejects. The real server (app/integration_action.go
   * OpenInteractiveDialog, 1d9028b1467715e6ac383824e6467111ad7ea89a) only logs a warning and opens the dialog
   * anyway, which is the default here too (the warning goes to `integrationWarnings`).
   */
  rejectInvalidDialogs?: boolean | undefined;
}

/** Where a trigger id was made: what a dialog opened with it is about. */
export interface TriggerContext {
  userId: string;
  channelId: string;
  teamId: string;
}

export interface OpenedDialog {
  clientTriggerId: string;
  userId: string;
  url: string;
  dialog: Record<string, unknown>;
  context: TriggerContext | undefined;
}

const KEEP = 1_000;
/** model.CommandWebhookLifetime: a response_url takes answers for 30 minutes. */
export const COMMAND_HOOK_LIFETIME_MS = 30 * 60 * 1000;

export class Integrations {
  readonly commands = new Map<string, CommandRecord>();
  readonly commandHooks = new Map<string, CommandHookRecord>();
  readonly outgoing = new Map<string, OutgoingWebhookRecord>();
  readonly incoming = new Map<string, IncomingWebhookRecord>();
  readonly triggerIds = new TriggerIds();
  /** The last trigger ids made (by client trigger id), and the last dialogs opened: bounded, oldest dropped. */
  readonly triggers = new Map<string, TriggerContext>();
  readonly dialogs = new Map<string, OpenedDialog>();
  /** What the server would log as a warning or error about an integration (bounded). */
  readonly warnings: string[] = [];
  /** Outgoing webhook calls in flight (the server makes them in the background). */
  readonly inFlight = new Set<Promise<void>>();
  siteUrl = "";
  readonly timeout: number;
  readonly usernameOverride: boolean;
  readonly iconOverride: boolean;
  readonly rejectInvalidDialogs: boolean;

  constructor(
    readonly env: Env,
    options: IntegrationOptions = {},
  ) {
    this.timeout = options.timeout ?? 30_000;
    if (!Number.isFinite(this.timeout) || this.timeout <= 0) {
      throw new RangeError(`integrations.timeout must be a positive number of ms, not ${options.timeout}`);
    }
    this.usernameOverride = options.enablePostUsernameOverride ?? false;
    this.iconOverride = options.enablePostIconOverride ?? false;
    this.rejectInvalidDialogs = options.rejectInvalidDialogs ?? false;
  }

  warn(message: string): void {
    this.warnings.push(message.slice(0, 2_000));
    if (this.warnings.length > KEEP) this.warnings.shift();
  }

  /** A trigger id for the user (remembered with where it was made, for dialogs). */
  newTrigger(context: TriggerContext): { clientTriggerId: string; triggerId: string } {
    const ids = this.triggerIds.generate(context.userId);
    remember(this.triggers, ids.clientTriggerId, context);
    return ids;
  }

  rememberDialog(dialog: OpenedDialog): void {
    remember(this.dialogs, dialog.clientTriggerId, dialog);
  }

  /** Saves a response_url hook, forgetting the expired ones (30 minutes) and, past 10,000, the oldest. */
  addCommandHook(hook: CommandHookRecord): void {
    for (const [id, old] of this.commandHooks) {
      if (hook.create_at - old.create_at <= COMMAND_HOOK_LIFETIME_MS && this.commandHooks.size < 10_000) break;
      this.commandHooks.delete(id);
    }
    this.commandHooks.set(hook.id, hook);
  }

  /**
   * Runs a background call, kept in `inFlight` until it settles; failures become warnings. At most 100 at once: a
   * flood of matching posts must not open sockets without limit (the extra calls are dropped, with a warning).
   */
  background(work: () => Promise<void>): void {
    if (this.inFlight.size >= 100) {
      this.warn("outgoing webhook call dropped: 100 calls already in flight");
      return;
    }
    const run = work().catch((error) => this.warn(`background integration call failed: ${String(error)}`));
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value as string);
}

const states = new WeakMap<Store, Integrations>();

export function attachIntegrations(env: Env, options?: IntegrationOptions): Integrations {
  const state = new Integrations(env, options);
  states.set(env.store, state);
  return state;
}

export function integrationsOf(env: Env): Integrations | undefined {
  return states.get(env.store);
}

/**
 * model.ParseSlackLinksToMarkdown (message_attachment.go 475912cfae585e0313d6c0d691d677663ccbcf44): <url|text>
 * becomes [text](url), as the regexp `<([^<|]+)\|([^>]+)>` does; with `singleLine`, as app/webhook.go
 * CreateWebhookPost's `<([^\n<|>]+)\|([^\n>]+)>`. A linear scan: Go's regexps never backtrack, and a message from
 * the network must not make the fake spin.
 */
export function slackLinksToMarkdown(text: string, singleLine = false): string {
  let out = "";
  let copied = 0;
  let stop = -1; // the first '>' (or, singleLine, '\n') at or after the current link's '|'
  for (let open = text.indexOf("<"); open >= 0; open = text.indexOf("<", open + 1)) {
    let bar = open + 1;
    while (
      bar < text.length &&
      !"<|".includes(text[bar]) &&
      !(singleLine && (text[bar] === "\n" || text[bar] === ">"))
    ) {
      bar++;
    }
    if (bar === open + 1 || text[bar] !== "|") continue;
    if (stop <= bar) {
      stop = bar + 1;
      while (stop < text.length && text[stop] !== ">" && !(singleLine && text[stop] === "\n")) stop++;
    }
    if (stop >= text.length || text[stop] !== ">" || stop === bar + 1) continue;
    out += `${text.slice(copied, open)}[${text.slice(bar + 1, stop)}](${text.slice(open + 1, bar)})`;
    copied = stop + 1;
    open = stop;
  }
  return out + text.slice(copied);
}

/**
 * app/slack.go ProcessSlackText, the parts that do not need the user store: <!channel>, <!here>, <!all> become
 * @channel, @here, @all; links become Markdown.
 */
export function processSlackText(text: string): string {
  return slackLinksToMarkdown(text.replace(/<!(channel|here|all)>/g, "@$1"));
}

/** Post.GenerateActionIds (model/integration_action.go): every action of every attachment gets an id if it has none. */
export function generateActionIds(props: Record<string, unknown> | null): void {
  const attachments = props?.attachments;
  if (!Array.isArray(attachments)) return;
  for (const attachment of attachments) {
    const actions = attachment && typeof attachment === "object" ? (attachment as { actions?: unknown }).actions : [];
    if (!Array.isArray(actions)) continue;
    for (const action of actions) {
      if (action && typeof action === "object" && !(action as { id?: unknown }).id) {
        (action as { id: string }).id = newId();
      }
    }
  }
}

/** The action with this id among the post's attachments (Post.GetAction). */
export function findAction(post: PostRecord, actionId: string): Record<string, unknown> | undefined {
  const attachments = post.props?.attachments;
  if (!Array.isArray(attachments)) return undefined;
  for (const attachment of attachments) {
    const actions = attachment && typeof attachment === "object" ? (attachment as { actions?: unknown }).actions : [];
    if (!Array.isArray(actions)) continue;
    for (const action of actions) {
      if (action && typeof action === "object" && (action as { id?: unknown }).id === actionId) return action;
    }
  }
  return undefined;
}

/**
 * A post an integration's answer makes (a command's in_channel answer, a webhook post), saved and announced with
 * `posted` like any post (app/post.go CreatePost and app/notification.go).
 */
export function createIntegrationPost(
  env: Env,
  fields: Pick<PostRecord, "user_id" | "channel_id" | "message"> & Partial<PostRecord>,
): PostRecord {
  const { store } = env;
  generateActionIds(fields.props ?? null);
  const post = store.createPost(fields);
  const channel = store.channels.get(post.channel_id);
  const author = store.users.get(post.user_id);
  env.publish(
    "posted",
    {
      channel_display_name: channel?.display_name ?? "",
      channel_name: channel?.name ?? "",
      channel_type: channel?.type ?? "",
      post: JSON.stringify(store.postJson(post)),
      sender_name: `@${author?.username ?? ""}`,
      set_online: true,
      team_id: channel?.team_id ?? "",
    },
    { channel_id: post.channel_id },
  );
  return post;
}

/**
 * app/post.go SendEphemeralPost: a post only one user sees, never saved: type system_ephemeral, a new id, sent as
 * `ephemeral_message` to that user (broadcast to the user, in the post's channel).
 */
export function sendEphemeralPost(
  env: Env,
  userId: string,
  fields: Pick<PostRecord, "channel_id" | "message"> & Partial<PostRecord>,
): Record<string, unknown> {
  const props = fields.props ?? {};
  generateActionIds(props);
  const post = newPost(newId(), env.store.now(), { user_id: userId, ...fields, props, type: "system_ephemeral" });
  // SendEphemeralPost sets CreateAt only; UpdateAt stays 0 on the wire.
  post.update_at = 0;
  const json = postJson(post, { files: [], reactions: [], replyCount: 0 });
  env.publish("ephemeral_message", { post: JSON.stringify(json) }, { channel_id: post.channel_id, user_id: userId });
  return json;
}

/** Team admins and system admins hold manage_slash_commands and manage_*_webhooks (the default roles). */
export function canManageTeamIntegrations(env: Env, user: UserRecord, teamId: string): boolean {
  if (isAdmin(user)) return true;
  return env.store.teamMembers.get(`${teamId}:${user.id}`)?.scheme_admin === true;
}

/** What /hooks/... answer on success (web/webhook.go): the text "ok". */
export function textOk(): Reply {
  return { bytes: Buffer.from("ok"), contentType: "text/plain" };
}
