/**
 * Delayed answers to a slash command through its `response_url`: `<SiteURL>/hooks/commands/<id>`
 * (app/command.go @ 01e8aa5575c4), which takes a CommandResponse as JSON (or plain text as an ephemeral text,
 * web/webhook.go @ 03138b54208e) for 30 minutes after the command (model.CommandWebhookLifetime) and at most 5 times
 * (CommandWebhook().TryUse(hook.Id, 5) in app/webhook.go @ 6f3312ac460b). The id in the URL is its only credential:
 * errors mask it.
 */
import { UsageError } from "../core/errors.js";
import { type CommandResponse, checkCommandResponse } from "./command-response.js";
import { checkHookUrl, postWithRetry, redactHookUrl, type SendOptions } from "./http-send.js";

/** How long a response_url accepts answers (30 min) and how many (5). */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;

export interface ResponseUrlOptions extends SendOptions {
  /**
   * The server's site URL: when given, a response_url elsewhere is refused (a request that lies about its
   * response_url cannot make the bot POST to another host).
   */
  siteUrl?: string;
}

/** Sends a (delayed) answer to a command's response_url, checked first, with retries; resolves when accepted. */
export async function sendToResponseUrl(
  responseUrl: string,
  response: CommandResponse | string,
  options: ResponseUrlOptions = {},
): Promise<void> {
  const url = checkHookUrl(responseUrl, "response_url");
  if (!/\/hooks\/commands\/[A-Za-z0-9]+\/?$/.test(url.pathname)) {
    throw new UsageError(`response_url is not a Mattermost command response URL (${redactHookUrl(responseUrl)})`);
  }
  if (options.siteUrl !== undefined) {
    const site = checkHookUrl(options.siteUrl, "siteUrl");
    const base = site.pathname.replace(/\/$/, "");
    if (url.origin !== site.origin || !url.pathname.startsWith(`${base}/hooks/commands/`)) {
      throw new UsageError(`response_url ${redactHookUrl(responseUrl)} is not on the site ${site.origin}`);
    }
  }
  const checked = checkCommandResponse(response);
  await postWithRetry(responseUrl, { contentType: "application/json", text: JSON.stringify(checked) }, options);
}
