/**
 * Registers everything the fake server does for integrations, and gives the server the helpers a test drives them
 * with: what a user does in the webapp (run a slash command, click a button or pick a menu option, submit or
 * cancel a dialog), each resolving to the status and body the real endpoint answers.
 */
import { Errors } from "../app-error.js";
import type { Env } from "../env.js";
import { attachIntegrations, generateActionIds, type IntegrationOptions, type Integrations } from "../integrations.js";
import type { Router } from "../router.js";
import type { PostRecord, UserRecord } from "../store.js";
import { doPostAction, registerActions } from "./actions.js";
import { asReply, executeCommand, registerCommands } from "./commands.js";
import { registerDialogs, type SubmitDialogInput, submitFromHelper } from "./dialogs.js";
import { registerIncomingWebhooks } from "./incoming-webhooks.js";
import { registerOutgoingWebhooks, triggerOutgoingWebhooks } from "./outgoing-webhooks.js";

export type { IntegrationOptions } from "../integrations.js";
export type { SubmitDialogInput } from "./dialogs.js";

/** What the real endpoint answered: its status and its JSON body (an AppError when it failed). */
export interface IntegrationReply {
  status: number;
  body: unknown;
}

export interface RunSlashCommandInput {
  userId: string;
  channelId: string;
  /** What the user typed: "/trigger some text". */
  text: string;
  /** Typed in a thread: the root post's id. */
  rootId?: string | undefined;
  /** For a direct or group channel: the team whose commands apply. */
  teamId?: string | undefined;
}

export interface ClickActionInput {
  userId: string;
  postId: string;
  actionId: string;
  /** For a menu (type "select"): the value picked. */
  selectedOption?: string | undefined;
}

export interface IntegrationHelpers {
  runSlashCommand(input: RunSlashCommandInput): Promise<IntegrationReply>;
  clickAction(input: ClickActionInput): Promise<IntegrationReply>;
  submitDialog(input: SubmitDialogInput): Promise<IntegrationReply>;
  /** What the server would have logged about integrations (a dialog it found invalid, a webhook that failed). */
  warnings: readonly string[];
  /** Resolves when the outgoing webhook calls in flight have settled. */
  idle(): Promise<void>;
  setSiteUrl(url: string): void;
}

export function registerIntegrations(router: Router, env: Env, options?: IntegrationOptions): IntegrationHelpers {
  const state = attachIntegrations(env, options);
  registerCommands(router, env);
  registerActions(router, env);
  registerDialogs(router, env);
  registerOutgoingWebhooks(router, env);
  registerIncomingWebhooks(router, env);
  const user = (id: string): UserRecord => {
    const found = env.store.users.get(id);
    if (found?.delete_at !== 0) throw Errors.userMissing();
    return found;
  };
  return {
    // The webapp sends what the user typed to POST /api/v4/commands/execute.
    runSlashCommand: (input) =>
      asReply(() =>
        executeCommand(env, user(input.userId), {
          channel_id: input.channelId,
          command: input.text,
          root_id: input.rootId ?? "",
          team_id: input.teamId ?? "",
        }),
      ),
    clickAction: (input) =>
      asReply(() => doPostAction(env, user(input.userId), input.postId, input.actionId, input.selectedOption ?? "")),
    submitDialog: (input) => submitFromHelper(env, user(input.userId), input),
    warnings: state.warnings,
    idle: () => idle(state),
    setSiteUrl: (url) => {
      state.siteUrl = url;
    },
  };
}

async function idle(state: Integrations): Promise<void> {
  while (state.inFlight.size > 0) await Promise.allSettled([...state.inFlight]);
}

/**
 * Called by the posts handler for every post a user creates through the API: actions get their ids (as
 * Post.GenerateActionIds does on save) and outgoing webhooks fire (app/post.go handlePostEvents, triggerWebhooks).
 */
export function onPostCreated(env: Env, post: PostRecord): void {
  generateActionIds(post.props);
  triggerOutgoingWebhooks(env, post);
}
