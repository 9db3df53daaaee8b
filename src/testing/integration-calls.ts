/**
 * The HTTP requests the fake server makes to integrations (slash commands, outgoing webhooks, actions, dialogs),
 * made as the server's outgoing client makes them: Go's http.Client from httpservice.MakeClient
 * (server/public/shared/httpservice/client.go 2ea303007574a410e7eea2bdc2bf54aa05e24343), which sets
 * `User-Agent: Mattermost-Bot/1.1` on every request, connects within 3 s, and, having no CheckRedirect, follows up
 * to 10 redirects the way net/http does (301/302/303 turn a POST into a GET without a body; 307/308 repeat it;
 * Authorization is dropped when the redirect leaves the host). Every call is bounded: the whole exchange by
 * `timeoutMs` (the server's OutgoingIntegrationRequestsTimeout, 30 s), the answer by `maxBytes` (read that far and
 * no further, as io.LimitReader(MaxIntegrationResponseSize) does: 1 MiB).
 *
 * Unlike the real server (which refuses private and loopback addresses unless AllowedUntrustedInternalConnections
 * lists them), the fake calls any address: its integrations live on loopback in tests.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export const USER_AGENT = "Mattermost-Bot/1.1";
/** app/webhook.go MaxIntegrationResponseSize (6f3312ac460b34c382fd67cf47486c872e1bb548). */
export const MAX_INTEGRATION_RESPONSE = 1024 * 1024;
const CONNECT_TIMEOUT_MS = 3_000;
const MAX_REDIRECTS = 10;

export interface IntegrationRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  timeoutMs: number;
  maxBytes?: number | undefined;
}

export interface IntegrationAnswer {
  status: number;
  /** "200 OK", as Go's resp.Status (used in the server's error details). */
  statusText: string;
  contentType: string;
  body: Buffer;
  /** The answer was longer than maxBytes and was cut there. */
  truncated: boolean;
}

/** Why a call failed below HTTP (the message says what, for the server's detailed_error). */
export class IntegrationCallError extends Error {
  constructor(
    readonly kind: "url" | "timeout" | "network" | "redirects",
    message: string,
  ) {
    super(message);
  }
}

/** Makes the call, following redirects like Go's client; never takes longer than timeoutMs. */
export async function callIntegration(call: IntegrationRequest): Promise<IntegrationAnswer> {
  const deadline = Date.now() + call.timeoutMs;
  let url = parseHttpUrl(call.url);
  let { method, body } = call;
  const headers: Record<string, string> = { ...call.headers, "User-Agent": USER_AGENT };
  const firstHost = url.host;
  for (let hop = 0; ; hop++) {
    const answer = await once(method, url, headers, body, deadline, call.maxBytes ?? MAX_INTEGRATION_RESPONSE);
    const location = answer.location;
    if (!location || ![301, 302, 303, 307, 308].includes(answer.status)) return answer;
    if (hop >= MAX_REDIRECTS) throw new IntegrationCallError("redirects", "stopped after 10 redirects");
    url = parseHttpUrl(new URL(location, url).toString());
    if (answer.status !== 307 && answer.status !== 308 && method === "POST") {
      method = "GET";
      body = undefined;
      delete headers["Content-Type"];
    }
    // net/http keeps Authorization only for the same host or its subdomains.
    if (url.host !== firstHost && !url.hostname.endsWith(`.${new URL(`http://${firstHost}`).hostname}`)) {
      delete headers.Authorization;
    }
  }
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IntegrationCallError("url", `not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new IntegrationCallError("url", `unsupported protocol scheme "${url.protocol.slice(0, -1)}"`);
  }
  return url;
}

function once(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string | undefined,
  deadline: number,
  maxBytes: number,
): Promise<IntegrationAnswer & { location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) {
      reject(new IntegrationCallError("timeout", "context deadline exceeded (Client.Timeout exceeded)"));
      return;
    }
    const payload = body === undefined ? undefined : Buffer.from(body);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method,
      headers: { ...headers, ...(payload ? { "Content-Length": String(payload.length) } : {}) },
      // A test's integration may use a self-signed certificate (the server's EnableInsecureOutgoingConnections).
      rejectUnauthorized: false,
    });
    let settled = false;
    const fail = (error: IntegrationCallError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(connectTimer);
      req.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new IntegrationCallError("timeout", "context deadline exceeded (Client.Timeout exceeded)")),
      left,
    );
    const connectTimer = setTimeout(
      () => fail(new IntegrationCallError("timeout", "dial tcp: i/o timeout")),
      Math.min(CONNECT_TIMEOUT_MS, left),
    );
    req.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
    });
    req.on("error", (error) => fail(new IntegrationCallError("network", error.message)));
    req.on("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(connectTimer);
        const status = res.statusCode ?? 0;
        resolve({
          status,
          statusText: `${status} ${res.statusMessage ?? ""}`.trim(),
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks),
          truncated,
          location: typeof res.headers.location === "string" ? res.headers.location : undefined,
        });
      };
      res.on("data", (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = maxBytes;
          truncated = true;
          finish();
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", finish);
      res.on("error", (error) => fail(new IntegrationCallError("network", error.message)));
      res.on("close", () => {
        if (!res.complete && !truncated) fail(new IntegrationCallError("network", "unexpected EOF"));
      });
    });
    req.end(payload);
  });
}
