/**
 * The event stream's own errors, and the rules that sort a failure into "retry" or "stop": close codes, upgrade
 * statuses, certificate errors, and login failures that are only transient.
 */
import {
  ApiError,
  ConnectionError,
  MatterapiError,
  UsageError,
  WebSocketClosedError,
  WebSocketConnectError,
} from "../core/errors.js";

/** The stream stopped because the server would not take the credentials. */
export class WebSocketAuthError extends MatterapiError {
  override name = "WebSocketAuthError";
}

/** A reply with status FAIL, carrying the server's error. */
export class WebSocketActionError extends MatterapiError {
  override name = "WebSocketActionError";
  constructor(
    readonly action: string,
    readonly error: { id?: string; message?: string; status_code?: number } | undefined,
  ) {
    super(`${action} failed: ${error?.message ?? "no reason given"}${error?.id ? ` [${error.id}]` : ""}`);
  }
}

/**
 * The largest frame the server reads: gorilla's read limit set to model.SocketMaxMessageSizeKb, which is 8 * 1024
 * bytes despite its name (server/public/model/websocket_client.go at 0415491d189992bc08f239416417af285a9eff0b, used
 * in server/channels/app/platform/web_conn.go at 02891390310d92b5b7b8276b2b62e62e38032c44). A larger one makes the
 * server close the connection (1009).
 */
/** Whatever was thrown, as an Error (a message for anything that is not one). */
export const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

export const SERVER_READ_LIMIT = 8 * 1024;

/** The codes Mattermost's own clients send (4000 ping timeout, 4001 sequence mismatch; api4/websocket.go). */
const MATTERMOST_CODES = new Set([4000, 4001]);

/**
 * Close codes that the same request cannot get past: 1003 (data the peer does not take), 1008 (policy violation),
 * 1010 (a required extension), and the application range 4000-4999, which Mattermost itself never sends (a proxy or
 * gateway refusing the client: 4401, 4403...), except the two codes its clients use.
 */
export function closeStops(code: number): boolean {
  return (
    code === 1003 || code === 1008 || code === 1010 || (code >= 4000 && code <= 4999 && !MATTERMOST_CODES.has(code))
  );
}

/** The HTTP status of a refused upgrade, from the `ws` package's error ("Unexpected server response: 403"). */
export function upgradeStatus(error: Error | undefined): number | undefined {
  const match = /Unexpected server response: (\d{3})/.exec(error?.message ?? "");
  return match ? Number(match[1]) : undefined;
}

/** Upgrade statuses worth another attempt: the server was busy or briefly down, not refusing. */
export function statusRetries(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

export function isCertificateError(error: Error & { code?: string }): boolean {
  return CERTIFICATE_ERRORS.test(error.code ?? "") || /certificate/i.test(error.message);
}

/** A login failure that another attempt may get past: no answer, a timeout, a 429 or a 5xx (not a 401 or 403). */
export function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  return error instanceof ApiError && (error.status === 408 || error.status === 429 || error.status >= 500);
}

/**
 * Why a closed connection must not be retried, if it must not: a certificate the client does not trust, an upgrade
 * refused with a status retrying cannot change (401 is left to the token check), a close code that stops (`code`
 * undefined when the client asked for the close itself).
 */
export function stopError(
  error: (Error & { code?: string }) | undefined,
  status: number | undefined,
  code: number | undefined,
  reason: string,
  url: string,
): Error | undefined {
  if (error && isCertificateError(error))
    return new MatterapiError(`the WebSocket's TLS handshake failed: ${error.message}`, { cause: error });
  if (status !== undefined && status !== 401 && !statusRetries(status)) {
    const hint =
      status === 403
        ? " (an Origin it does not allow?)"
        : status === 400
          ? " (a proxy that drops the Upgrade header?)"
          : "";
    return new WebSocketConnectError(`the server refused the WebSocket upgrade with ${status}${hint}`, url, {
      status,
      cause: error,
    });
  }
  if (code !== undefined && closeStops(code)) return new WebSocketClosedError(code, reason);
  return undefined;
}

/** An action's frame, refused here (UsageError) when it cannot be JSON or the server could not read it. */
export function encodeAction(action: string, seq: number, data: Record<string, unknown> | undefined): string {
  let text: string;
  try {
    text = JSON.stringify(data === undefined ? { action, seq } : { action, seq, data });
  } catch (error) {
    throw new UsageError(`${action}: the data cannot be JSON: ${(error as Error).message}`);
  }
  const bytes = oversize(text);
  if (bytes !== undefined) {
    throw new UsageError(
      `${action}: the frame would be ${bytes} bytes, over the server's limit of ${SERVER_READ_LIMIT} (the server would ` +
        "close the connection); send less per action",
    );
  }
  return text;
}

/** The frame's size in UTF-8 bytes (what the server counts) when it is over the server's read limit. */
export function oversize(text: string): number | undefined {
  if (text.length * 3 <= SERVER_READ_LIMIT) return undefined; // clearly small: no need to encode it
  const bytes = new TextEncoder().encode(text).length;
  return bytes > SERVER_READ_LIMIT ? bytes : undefined;
}
