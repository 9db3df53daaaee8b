/**
 * The event stream through an HTTP(S) proxy, on Node: an `http.Agent` for the `ws` package whose connection is a
 * CONNECT tunnel (RFC 9110 section 9.3.6) through the proxy, with TLS to the Mattermost server inside it for wss.
 * REST calls go through undici's ProxyAgent, which speaks the same CONNECT; this is its twin for `ws`, which takes
 * an `http.Agent`.
 *
 * Bounded: the proxy must answer the CONNECT within `timeout` ms (Node's parser bounds the answer's head at 16 KiB,
 * and no body is read). Errors name the proxy with its URL's userinfo masked, never its credentials.
 */
import { Agent, type ClientRequestArgs, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { MatterapiError } from "../core/errors.js";
import { redactUrl } from "../core/redact.js";
import type { ProxyOptions, TlsOptions } from "../core/transports/undici.js";

export interface TunnelOptions {
  proxy: ProxyOptions;
  /** Whether the tunnel carries TLS to the server (wss:). */
  secure: boolean;
  /** TLS options for the server, and for the proxy when it is https:. */
  tls?: TlsOptions | undefined;
  /** How long the proxy may take to open the tunnel, ms. */
  timeout: number;
}

/** A failure to open a tunnel through the proxy; `status` is the proxy's answer to CONNECT, if it gave one. */
export class ProxyTunnelError extends MatterapiError {
  override name = "ProxyTunnelError";
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.status = options.status;
  }
}

/** Proxy-Authorization: the explicit one, else Basic from the proxy URL's userinfo (as undici's ProxyAgent does). */
export function proxyAuthorization(proxy: ProxyOptions, url: URL): string | undefined {
  if (proxy.authorization) return proxy.authorization;
  if (!url.username && !url.password) return undefined;
  const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString("base64")}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % is taken as it is, as the URL holds it
  }
}

/** `text` (from the proxy) with the credentials cut out, should a hostile proxy echo them back. */
function withoutSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join("***");
  return out;
}

/** host:port as CONNECT's request target wants it (an IPv6 address in brackets). */
function authority(host: string, port: number): string {
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

function hint(status: number): string {
  if (status === 407) return " (Proxy Authentication Required: check the proxy's credentials)";
  if (status === 403) return " (the proxy does not allow this destination)";
  return "";
}

/** Opens a tunnel through the proxy to host:port; resolves with the socket (TLS inside when `secure`). */
export function openTunnel(host: string, port: number, options: TunnelOptions): Promise<Duplex> {
  const url = new URL(options.proxy.url);
  const shown = redactUrl(options.proxy.url);
  const target = authority(host, port);
  const tls = options.tls;
  const authorization = proxyAuthorization(options.proxy, url);
  const secrets = [authorization, authorization?.replace(/^\S+\s+/, ""), safeDecode(url.password)].filter(
    (s): s is string => Boolean(s),
  );
  const proxyTls =
    url.protocol === "https:"
      ? {
          ...(tls?.ca ? { ca: tls.ca as string | string[] } : {}),
          rejectUnauthorized: tls?.rejectUnauthorized ?? true,
          ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
        }
      : {};
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)({
      method: "CONNECT",
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port || (url.protocol === "https:" ? 443 : 80),
      path: target,
      headers: { host: target, ...(authorization ? { "proxy-authorization": authorization } : {}) },
      agent: false,
      ...proxyTls,
    });
    const timer = setTimeout(() => {
      request.destroy(
        new ProxyTunnelError(`the proxy ${shown} did not open a tunnel to ${target} within ${options.timeout} ms`),
      );
    }, options.timeout);
    request.once("connect", (answer: IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      const status = answer.statusCode ?? 0;
      if (status < 200 || status > 299) {
        socket.destroy();
        const reason = withoutSecrets(answer.statusMessage ?? "", secrets).slice(0, 100);
        const text = `${status}${reason ? ` ${reason}` : ""}`;
        reject(
          new ProxyTunnelError(`the proxy ${shown} refused a tunnel to ${target}: ${text}${hint(status)}`, { status }),
        );
        return;
      }
      if (head.length > 0) socket.unshift(head);
      if (!options.secure) {
        resolve(socket);
        return;
      }
      resolve(
        tlsConnect({
          socket,
          ...(isIP(host) ? {} : { servername: host }),
          rejectUnauthorized: tls?.rejectUnauthorized ?? true,
          ...(tls?.ca ? { ca: tls.ca as string | string[] } : {}),
          ...(tls?.cert ? { cert: tls.cert as string, key: tls.key as string } : {}),
        }),
      );
    });
    request.once("error", (error) => {
      clearTimeout(timer);
      reject(
        error instanceof ProxyTunnelError
          ? error
          : new ProxyTunnelError(`could not reach the proxy ${shown}: ${error.message}`, { cause: error }),
      );
    });
    request.end();
  });
}

/** An `http.Agent` for one WebSocket connection through the proxy (ws: `new WebSocket(url, { agent })`). */
export class ProxyTunnelAgent extends Agent {
  /** What Node checks against the request's scheme: https: for wss, whose TLS runs inside the tunnel. */
  readonly protocol: string;
  readonly #options: TunnelOptions;

  constructor(options: TunnelOptions) {
    super({ keepAlive: false });
    this.#options = options;
    this.protocol = options.secure ? "https:" : "http:";
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = options.host ?? options.hostname ?? "localhost";
    const port = Number(options.port) || (this.#options.secure ? 443 : 80);
    openTunnel(host, port, this.#options).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
