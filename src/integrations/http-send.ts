/**
 * POSTing to Mattermost's hook URLs (incoming webhooks `/hooks/{id}`, command response URLs
 * `/hooks/commands/{id}`, server/channels/web/webhook.go @ 03138b54208e), with a timeout per attempt, bounded
 * retries that honour 429 Retry-After, and errors as matterapi's classes. The id in a hook URL is its only
 * credential, so it is masked in every URL and message an error carries.
 */
import {
  ApiError,
  type AppErrorBody,
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  UsageError,
} from "../core/errors.js";
import { redactError, redactUrl, scrubError } from "../core/redact.js";
import { retryAfterSeconds } from "../core/retry-after.js";
import { delay } from "./handler.js";

export interface SendOptions {
  /** Time for one attempt, in ms (default 10 s). */
  timeout?: number;
  /** Retries after a 429, a 502/503/504 or a refused connection (default 3). 0 turns them off. */
  maxRetries?: number;
  /** A 429 asking for a longer wait than this (ms, default 60 s) fails at once with TooManyRequests. */
  maxRetryDelay?: number;
  /** Ends the attempts and the waits between them. */
  signal?: AbortSignal;
  /** The fetch to use (default: the runtime's). */
  fetch?: typeof fetch;
}

const MAX_ERROR_BODY = 64 * 1024;

/** The hook id in a Mattermost hook URL, if it is one. */
export function hookSecret(url: string): string | undefined {
  return /\/hooks\/(?:commands\/)?([A-Za-z0-9]+)\/?(?:[?#]|$)/.exec(url)?.[1];
}

/** A hook URL fit for a message: the id masked, credentials in the URL masked. */
export function redactHookUrl(url: string): string {
  return redactUrl(url).replace(/(\/hooks\/(?:commands\/)?)[A-Za-z0-9]+/, "$1***");
}

/** Checks a URL is http(s) and absolute; UsageError otherwise (the URL itself is not quoted: it is a secret). */
export function checkHookUrl(url: unknown, what: string): URL {
  if (typeof url !== "string") throw new UsageError(`${what} must be a string URL`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${what} is not an absolute URL (${redactHookUrl(url).slice(0, 200)})`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`${what} must be http or https, got ${parsed.protocol}`);
  }
  return parsed;
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= MAX_ERROR_BODY) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } catch {
    // The body broke off: what came is enough for an error message.
  }
  return new TextDecoder().decode(Buffer.concat(chunks)).slice(0, MAX_ERROR_BODY);
}

function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

function backoff(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 8_000);
  return base - Math.random() * base * 0.25;
}

/**
 * POSTs `body` to a hook URL; resolves with the answer's text on a 2xx, throws an ApiError subclass for other
 * statuses (after the retries), ConnectionError/RequestTimeoutError/RequestAbortedError below HTTP.
 */
export async function postWithRetry(
  url: string,
  body: { contentType: string; text: string },
  options: SendOptions = {},
): Promise<string> {
  checkHookUrl(url, "the hook URL");
  const shown = redactHookUrl(url);
  const secret = hookSecret(url);
  const secrets = secret ? [secret] : [];
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeout = options.timeout ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryDelay = options.maxRetryDelay ?? 60_000;
  const wait = async (ms: number) => {
    if (options.signal?.aborted) throw new RequestAbortedError("POST", shown);
    const timer = delay(ms);
    const onAbort = () => timer.cancel();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    await timer.promise;
    options.signal?.removeEventListener("abort", onAbort);
  };

  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new RequestAbortedError("POST", shown);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": body.contentType, accept: "application/json, text/plain" },
        body: body.text,
        signal: controller.signal,
        redirect: "manual",
      });
    } catch (error) {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (options.signal?.aborted) throw scrubError(new RequestAbortedError("POST", shown, { cause: error }), secrets);
      if (controller.signal.aborted) {
        throw scrubError(new RequestTimeoutError(timeout, "POST", shown, { cause: error }), secrets);
      }
      // Only a refused connection is known not to have delivered anything: safe to send again.
      const code = (error as { cause?: { code?: string } })?.cause?.code;
      if (code === "ECONNREFUSED" && attempt < maxRetries) {
        await wait(backoff(attempt));
        continue;
      }
      throw scrubError(
        new ConnectionError(`could not reach the hook (${code ?? "network error"})`, "POST", shown, { cause: error }),
        secrets,
      );
    }
    let text: string;
    try {
      text = await readBounded(response);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (response.status >= 200 && response.status < 300) return text;

    const headers = headersOf(response);
    let appError: AppErrorBody | undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) appError = parsed as AppErrorBody;
    } catch {
      // Not JSON: quoted as text.
    }
    const init = {
      status: response.status,
      method: "POST",
      url: shown,
      body: appError,
      text: appError ? undefined : text.slice(0, 500),
      headers,
    };
    const error = ApiError.from(init);
    const retryable =
      response.status === 429 || response.status === 502 || response.status === 503 || response.status === 504;
    if (retryable && attempt < maxRetries) {
      const asked = response.status === 429 ? retryAfterSeconds(headers) : undefined;
      const pause = asked === undefined ? backoff(attempt) : asked * 1000;
      if (pause <= maxRetryDelay) {
        await wait(pause);
        continue;
      }
    }
    // The server's detailed error can quote the hook id (web/webhook.go writes "webhook_id=<id>").
    throw secrets.length > 0 ? redactError(error, secrets) : error;
  }
}
