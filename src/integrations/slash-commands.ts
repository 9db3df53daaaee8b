/**
 * Slash command endpoints. What the server sends (app/command.go @ 01e8aa5575c4, tryExecuteCustomCommand and
 * DoCommandRequest): a form POST (or, for method "G", the same fields in the query string) with token, team_id,
 * team_domain, channel_id, channel_name, user_id, user_name, command ("/trigger"), text, trigger_id, root_id,
 * response_url and the mention pairs (user_mentions + user_mentions_ids, channel_mentions + channel_mentions_ids:
 * repeated fields, the n-th name with the n-th id, server/public/model/mention_map.go); headers
 * `Authorization: Token <token>` and `Accept: application/json`. It waits for the answer at most
 * ServiceSettings.OutgoingIntegrationRequestsTimeout (30 s by default, model/config.go) and reads at most
 * MaxIntegrationResponseSize of it. A slower integration acks at once and answers later through response_url.
 */
import { UsageError } from "../core/errors.js";
import { type CommandResponse, checkCommandResponse } from "./command-response.js";
import { delay, endpoint, type HandlerOptions, type IntegrationHandler, PendingWork, reporter } from "./handler.js";
import {
  type FormFields,
  mediaType,
  parseForm,
  parseJsonObject,
  RequestRefused,
  readText,
  textResponse,
} from "./incoming.js";
import { type ResponseUrlOptions, sendToResponseUrl } from "./response-url.js";
import { checkTokens, tokenMatches } from "./signing.js";

export interface Mention {
  name: string;
  id: string;
}

/** A slash command as the server sends it, typed. */
export interface SlashCommandRequest {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  /** The trigger with its slash, lower-cased by the server: "/poll". */
  command: string;
  /** Everything after the trigger. */
  text: string;
  /** Opens a dialog (`openDialog`) within OutgoingIntegrationRequestsTimeout (30 s by default). */
  trigger_id: string;
  /** The thread the command was typed in ("" outside a thread). */
  root_id: string;
  /** Where delayed answers go (30 minutes, 5 answers). */
  response_url: string;
  /** @-mentions of team members in `text`, paired with their user ids. */
  user_mentions: Mention[];
  /** ~mentions of public channels in `text`, paired with their ids. */
  channel_mentions: Mention[];
}

const FIELDS = [
  "token",
  "team_id",
  "team_domain",
  "channel_id",
  "channel_name",
  "user_id",
  "user_name",
  "command",
  "text",
  "trigger_id",
  "root_id",
  "response_url",
] as const;

function mentions(fields: FormFields, names: string, ids: string): Mention[] {
  const n = fields.get(names);
  const i = fields.get(ids);
  if (!n && !i) return [];
  // The same rule as the server's own reader (mentionsFromURLValues): both lists, of the same length.
  if (!n || !i || n.length !== i.length) {
    throw new RequestRefused(400, `"${names}" and "${ids}" must come together, one id per name`);
  }
  if (n.length > 1000) throw new RequestRefused(400, `too many "${names}"`);
  return n.map((name, k) => ({ name, id: i[k] ?? "" }));
}

/** Parses the fields of a slash command (form or query); 400 naming the field when they are malformed. */
export function parseSlashCommand(fields: FormFields): SlashCommandRequest {
  const out: Record<string, unknown> = {};
  for (const name of FIELDS) out[name] = fields.get(name)?.[0] ?? "";
  out.user_mentions = mentions(fields, "user_mentions", "user_mentions_ids");
  out.channel_mentions = mentions(fields, "channel_mentions", "channel_mentions_ids");
  const command = out.command as string;
  if (command && !command.startsWith("/"))
    throw new RequestRefused(400, `"command" must start with "/", got ${JSON.stringify(command.slice(0, 50))}`);
  return out as unknown as SlashCommandRequest;
}

/** The token the server sent: the form field, or `Authorization: Token <token>`. */
function sentToken(request: Request, fields: FormFields): string | undefined {
  const field = fields.get("token")?.[0];
  if (field) return field;
  const header = request.headers.get("authorization") ?? "";
  const match = /^Token\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** What a handler can do besides answering. */
export interface SlashCommandContext {
  /**
   * Runs `work` after the answer is sent; what it returns (a CommandResponse or a text) is sent to response_url.
   * Its signal aborts when `deferTimeout` passes.
   */
  defer(
    work: (signal: AbortSignal) => Promise<CommandResponse | string | undefined> | CommandResponse | string | undefined,
  ): void;
  /** Sends an answer to response_url now (up to 5 per command). */
  respond(response: CommandResponse | string): Promise<void>;
}

export type SlashCommandResult = CommandResponse | string | undefined;

export interface SlashCommandHandlerOptions extends HandlerOptions {
  /** The command's token (from createCommand / the System Console), or several while rotating. */
  token: string | readonly string[];
  handle(command: SlashCommandRequest, context: SlashCommandContext): SlashCommandResult | Promise<SlashCommandResult>;
  /**
   * When `handle` has not answered after this many ms (default 2500), the server gets `ack` at once and the answer
   * goes to response_url when it comes: the server gives up after OutgoingIntegrationRequestsTimeout (30 s by
   * default, less if an admin lowered it).
   */
  ackAfter?: number;
  /** The early answer (default: nothing, which shows nothing). */
  ack?: CommandResponse | string;
  /** Deferred work and late answers are dropped after this many ms (default 25 min: response_url lives 30 min). */
  deferTimeout?: number;
  /** Deferred tasks and late answers running at once, at most (default 100); more fail the command with 503. */
  maxPending?: number;
  /** Options of the POSTs to response_url (retries, timeout, `siteUrl` to pin the host). */
  responseUrl?: ResponseUrlOptions;
}

/** An endpoint for a slash command: checks the token, parses the command, answers in time. */
export function slashCommandHandler(options: SlashCommandHandlerOptions): IntegrationHandler {
  if (typeof options?.handle !== "function") throw new UsageError("slashCommandHandler: `handle` must be a function");
  const tokens = checkTokens(options.token, "slash command");
  const ackAfter = options.ackAfter ?? 2_500;
  const deferTimeout = options.deferTimeout ?? 25 * 60_000;
  const pending = new PendingWork(options.maxPending ?? 100);
  const report = reporter(options, () => tokens);
  const ack = options.ack ?? "";
  if (ack !== "") checkCommandResponse(ack);

  const answer = (response: SlashCommandResult): Response => {
    if (response === undefined || response === "") return textResponse(200, "");
    return new Response(JSON.stringify(checkCommandResponse(response)), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };

  return endpoint(["POST", "GET"], report, pending, async (request) => {
    let fields: FormFields;
    if (request.method === "GET") {
      fields = parseForm(new URL(request.url).search);
    } else {
      const text = await readText(request, options);
      const type = mediaType(request);
      if (type === "application/json") {
        const body = parseJsonObject(text, "slash command");
        fields = new Map(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]));
      } else if (type === "" || type === "application/x-www-form-urlencoded") {
        fields = parseForm(text);
      } else {
        throw new RequestRefused(415, `a slash command comes as a form, not ${type}`);
      }
    }
    if (!tokenMatches(sentToken(request, fields), tokens)) {
      throw new RequestRefused(401, "invalid or missing command token");
    }
    const command = parseSlashCommand(fields);
    const send = (response: CommandResponse | string) =>
      sendToResponseUrl(command.response_url, response, options.responseUrl);
    const background = (work: Promise<SlashCommandResult>) => {
      if (pending.full) throw new RequestRefused(503, "too much work in progress; try again later");
      pending.track(
        work
          .then((late) => (late === undefined || late === "" ? undefined : send(late)))
          .catch((error) => report(error)),
      );
    };
    const context: SlashCommandContext = {
      defer(work) {
        const controller = new AbortController();
        const timer = delay(deferTimeout);
        timer.promise.then(() => controller.abort());
        background(
          Promise.race([
            Promise.resolve().then(() => work(controller.signal)),
            timer.promise.then(() => {
              throw new UsageError(`deferred work of ${command.command} did not finish within ${deferTimeout} ms`);
            }),
          ]).finally(() => timer.cancel()),
        );
      },
      respond: send,
    };

    const work = Promise.resolve().then(() => options.handle(command, context));
    const timer = delay(ackAfter);
    const first = await Promise.race([
      work.then((value) => ({ done: true as const, value })),
      timer.promise.then(() => ({ done: false as const })),
    ]);
    timer.cancel();
    if (first.done) return answer(first.value);
    // Too slow for the server: ack now, send the answer to response_url when it comes.
    background(work);
    return answer(ack);
  });
}
