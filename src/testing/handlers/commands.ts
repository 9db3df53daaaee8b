/**
 * Slash commands (api4/command.go 86b60aad17fc4a9c1d446b680bd6a85bab9eadca, app/command.go
 * 01e8aa5575c47daf35267c369130da1d2eed5001): create, read, delete, regenerate the token, and execute, which POSTs
 * (or GETs) the command's URL with the CommandArgs as the server builds them and applies the CommandResponse; and
 * the response_url, /hooks/commands/{id} (web/webhook.go afd82b02e276cca9ec13c23dab9f08508b875c1b), which takes
 * more responses for 30 minutes, 5 times at most (model/command_webhook.go CommandWebhookLifetime, app/webhook.go
 * HandleCommandWebhook TryUse(id, 5)).
 */
import { AppErrorReply, Errors } from "../app-error.js";
import { type Env, isAdmin, ok } from "../env.js";
import { isValidId, newId } from "../ids.js";
import { callIntegration, IntegrationCallError } from "../integration-calls.js";
import { CommandErrors } from "../integration-errors.js";
import {
  COMMAND_HOOK_LIFETIME_MS,
  canManageTeamIntegrations,
  type Integrations,
  integrationsOf,
  textOk,
} from "../integrations.js";
import {
  type CommandRecord,
  type CommandResponseRecord,
  commandJson,
  commandResponseJson,
  readCommandResponse,
} from "../records/commands.js";
import type { Context, Router } from "../router.js";
import type { ChannelRecord, UserRecord } from "../store.js";
import { applyCommandResponse } from "./command-responses.js";

const HOOK_USES = 5;

export interface ExecuteArgs {
  channel_id?: unknown;
  team_id?: unknown;
  root_id?: unknown;
  command?: unknown;
}

export function registerCommands(router: Router, env: Env): void {
  const state = () => integrationsOf(env) as Integrations;

  router.add("POST", "/api/v4/commands", "CreateCommand", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<CommandRecord>>("command");
    if (typeof body !== "object" || body === null) throw Errors.invalidBodyParam("command");
    const teamId = typeof body.team_id === "string" ? body.team_id : "";
    if (!canManageTeamIntegrations(env, me, teamId)) throw Errors.permissions("manage_slash_commands");
    const command = validCommand(env, state(), me, body);
    state().commands.set(command.id, command);
    return { status: 201, json: commandJson(command) };
  });

  const commandParam = (ctx: Context): CommandRecord => {
    const me = ctx.me();
    const id = ctx.params.command_id;
    if (!isValidId(id)) throw Errors.invalidUrlParam("command_id");
    const command = state().commands.get(id);
    // Someone who may not manage the team's commands is told it does not exist (api4/command.go).
    if (command?.delete_at !== 0 || !canManageTeamIntegrations(env, me, command.team_id)) throw CommandErrors.missing();
    return command;
  };

  router.add("GET", "/api/v4/commands/{command_id}", "GetCommandById", (ctx) => ({
    json: commandJson(commandParam(ctx)),
  }));

  router.add("DELETE", "/api/v4/commands/{command_id}", "DeleteCommand", (ctx) => {
    const command = commandParam(ctx);
    command.delete_at = env.store.now();
    return ok();
  });

  router.add("PUT", "/api/v4/commands/{command_id}/regen_token", "RegenCommandToken", (ctx) => {
    const command = commandParam(ctx);
    command.token = newId();
    command.update_at = env.store.now();
    return { json: { token: command.token } };
  });

  router.add("POST", "/api/v4/commands/execute", "ExecuteCommand", async (ctx) => {
    const me = ctx.me();
    return { json: await executeCommand(env, me, ctx.json<ExecuteArgs>("command_args")) };
  });

  // web/webhook.go commandWebhook: outside /api/v4 (not in the spec), no session; answers "ok" as text.
  router.add("POST", "/hooks/commands/{id}", "CommandWebhook", (ctx) => {
    const response = readResponseBody(ctx);
    const hook = state().commandHooks.get(ctx.params.id);
    if (!hook || Date.now() - hook.create_at > COMMAND_HOOK_LIFETIME_MS) throw CommandErrors.hookMissing();
    const command = state().commands.get(hook.command_id);
    if (!command) throw CommandErrors.hookMissing();
    if (hook.use_count >= HOOK_USES) throw CommandErrors.hookUsedUp();
    hook.use_count++;
    const channel = env.store.channels.get(hook.channel_id);
    applyCommandResponse(
      env,
      state(),
      command,
      { userId: hook.user_id, channel, teamId: command.team_id, rootId: hook.root_id },
      response,
    );
    return textOk();
  });
}

/** model.CommandResponseFromHTTPBody: JSON when the Content-Type says so, any other body is the text. */
function readResponseBody(ctx: Context): CommandResponseRecord {
  const type = String(ctx.req.headers["content-type"] ?? "")
    .split(";")[0]
    .trim();
  if (type !== "application/json") return readCommandResponse({ text: ctx.body.toString("utf8") });
  try {
    return readCommandResponse(JSON.parse(ctx.body.toString("utf8")));
  } catch {
    throw CommandErrors.hookParse();
  }
}

/** app/command.go createCommand and model.Command.PreSave/IsValid. */
function validCommand(env: Env, state: Integrations, me: UserRecord, body: Partial<CommandRecord>): CommandRecord {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const at = env.store.now();
  const command: CommandRecord = {
    id: newId(),
    token: newId(),
    create_at: at,
    update_at: at,
    delete_at: 0,
    creator_id: me.id,
    team_id: text(body.team_id),
    trigger: text(body.trigger).toLowerCase(),
    method: text(body.method),
    username: text(body.username),
    icon_url: text(body.icon_url),
    auto_complete: body.auto_complete === true,
    auto_complete_desc: text(body.auto_complete_desc),
    auto_complete_hint: text(body.auto_complete_hint),
    display_name: text(body.display_name),
    description: text(body.description),
    url: text(body.url),
    plugin_id: "",
  };
  for (const existing of state.commands.values()) {
    if (existing.delete_at === 0 && existing.team_id === command.team_id && existing.trigger === command.trigger) {
      throw CommandErrors.duplicateTrigger();
    }
  }
  if (!isValidId(command.team_id)) throw CommandErrors.invalid("team_id");
  const trigger = command.trigger;
  if (trigger.length < 1 || trigger.length > 128 || trigger.startsWith("/") || trigger.includes(" ")) {
    throw CommandErrors.invalid("trigger");
  }
  if (command.url === "" || command.url.length > 1024) throw CommandErrors.invalid("url");
  if (!/^https?:\/\/[^\s]+$/i.test(command.url)) throw CommandErrors.invalid("url_http");
  if (command.method !== "P" && command.method !== "G") throw CommandErrors.invalid("method");
  if (command.display_name.length > 64) throw CommandErrors.invalid("display_name");
  if (command.description.length > 128) throw CommandErrors.invalid("description");
  return command;
}

/**
 * api4/command.go executeCommand + app/command.go ExecuteCommand for a custom command: the CommandResponse the
 * caller gets (with the client's trigger id), or the server's error.
 */
export async function executeCommand(env: Env, me: UserRecord, args: ExecuteArgs): Promise<Record<string, unknown>> {
  const state = integrationsOf(env) as Integrations;
  const { store } = env;
  if (typeof args !== "object" || args === null) throw Errors.invalidBodyParam("command_args");
  const text = typeof args.command === "string" ? args.command : "";
  const channelId = typeof args.channel_id === "string" ? args.channel_id : "";
  if (text.length <= 1 || !text.startsWith("/") || !isValidId(channelId)) throw CommandErrors.start();
  if (!store.isChannelMember(channelId, me.id) && !isAdmin(me)) throw Errors.permissions("use_slash_commands");
  const channel = store.channels.get(channelId);
  if (channel?.delete_at !== 0) throw Errors.channelMissing();
  // A team channel's commands are the channel's team's; a DM or GM runs the given team's.
  const teamId = channel.type === "D" || channel.type === "G" ? String(args.team_id ?? "") : channel.team_id;
  const rootId = typeof args.root_id === "string" ? args.root_id : "";

  const space = text.search(/\s/);
  const trigger = (space < 0 ? text : text.slice(0, space)).toLowerCase().slice(1);
  const message = space < 0 ? "" : text.slice(space + 1);
  const ids = state.newTrigger({ userId: me.id, channelId: channel.id, teamId });

  const command = [...state.commands.values()].find(
    (c) => c.delete_at === 0 && c.team_id === teamId && c.trigger === trigger,
  );
  // The fake has no built-in commands: anything else is the server's "not found".
  if (!command) throw CommandErrors.notFound(trigger.length > 512 ? `${trigger.slice(0, 512)}...` : trigger);
  const team = store.teams.get(teamId);
  if (!team) throw Errors.teamMissing();

  const hookId = newId();
  state.addCommandHook({
    id: hookId,
    create_at: Date.now(),
    command_id: command.id,
    user_id: me.id,
    channel_id: channel.id,
    root_id: rootId,
    use_count: 0,
  });
  const params = commandParams(env, command, { team: team.name, channel, user: me, trigger, message, rootId });
  params.set("trigger_id", ids.triggerId);
  params.set("response_url", `${state.siteUrl}/hooks/commands/${hookId}`);
  params.sort(); // url.Values.Encode writes the keys in order

  const response = await callCommand(state, command, params);
  response.trigger_id = ids.clientTriggerId;
  applyCommandResponse(env, state, command, { userId: me.id, channel, teamId, rootId }, response);
  return commandResponseJson(response);
}

interface ParamsInput {
  team: string;
  channel: ChannelRecord;
  user: UserRecord;
  trigger: string;
  message: string;
  rootId: string;
}

/** The form the server sends (app/command.go tryExecuteCustomCommand), trigger_id and response_url aside. */
function commandParams(env: Env, command: CommandRecord, input: ParamsInput): URLSearchParams {
  const params = new URLSearchParams();
  params.set("token", command.token);
  params.set("team_id", command.team_id);
  params.set("team_domain", input.team);
  params.set("channel_id", input.channel.id);
  params.set("channel_name", input.channel.name);
  params.set("user_id", input.user.id);
  params.set("user_name", input.user.username);
  params.set("command", `/${input.trigger}`);
  params.set("text", input.message);
  params.set("root_id", input.rootId);
  // MentionsToTeamMembers / MentionsToPublicChannels: names and ids of the team's users and open channels named
  // in the text, as parallel lists (model/mention_map.go); nothing at all when there are none.
  const seen = new Set<string>();
  for (const match of input.message.matchAll(/(?<![\w@])@([a-z0-9][a-z0-9.\-_:]*)/gi)) {
    const name = match[1].toLowerCase();
    const user = env.store.userByName(name) ?? env.store.userByName(name.replace(/[.\-_]+$/, ""));
    if (!user || seen.has(user.username) || !env.store.isTeamMember(command.team_id, user.id)) continue;
    seen.add(user.username);
    params.append("user_mentions", user.username);
    params.append("user_mentions_ids", user.id);
  }
  const channels = new Set<string>();
  for (const match of input.message.matchAll(/(?<![\w~])~([a-zA-Z0-9\-_]+)/g)) {
    const channel = env.store.channelByName(command.team_id, match[1]);
    if (channel?.type !== "O" || channels.has(channel.name)) continue;
    channels.add(channel.name);
    params.append("channel_mentions", channel.name);
    params.append("channel_mentions_ids", channel.id);
  }
  return params;
}

/** app/command.go DoCommandRequest: the request, its headers, and what an answer must be. */
async function callCommand(
  state: Integrations,
  command: CommandRecord,
  params: URLSearchParams,
): Promise<CommandResponseRecord> {
  const headers: Record<string, string> = { Accept: "application/json", Authorization: `Token ${command.token}` };
  let url = command.url;
  let body: string | undefined;
  if (command.method === "G") {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (parsed) url = `${url.split("#")[0]}${parsed.search ? "&" : "?"}${params.toString()}`;
  } else {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = params.toString();
  }
  let answer: Awaited<ReturnType<typeof callIntegration>>;
  try {
    answer = await callIntegration({
      method: command.method === "G" ? "GET" : "POST",
      url,
      headers,
      body,
      timeoutMs: state.timeout,
    });
  } catch (error) {
    if (!(error instanceof IntegrationCallError)) throw error;
    state.warn(`slash command /${command.trigger}: ${error.message}`);
    throw CommandErrors.failed(command.trigger, error.message);
  }
  if (answer.status !== 200)
    throw CommandErrors.failedResp(command.trigger, answer.statusText, answer.body.toString("utf8"));
  const type = answer.contentType.split(";")[0].trim();
  if (type !== "application/json") return readCommandResponse({ text: answer.body.toString("utf8") });
  try {
    return readCommandResponse(JSON.parse(answer.body.toString("utf8")));
  } catch (error) {
    throw CommandErrors.failed(command.trigger, `invalid JSON: ${(error as Error).message}`);
  }
}

/** What the fake's helpers resolve to: the status and body the real endpoint answers. */
export async function asReply(work: () => Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    return { status: 200, body: await work() };
  } catch (error) {
    if (error instanceof AppErrorReply) return { status: error.status, body: error.body("") };
    throw error;
  }
}
