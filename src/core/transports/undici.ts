/**
 * The Node transport: undici.request on one dispatcher (connection pool with keep-alive) per client. undici's
 * request() costs far less CPU than fetch() (see bench/). TLS options go to the connector; a proxy uses ProxyAgent.
 */
import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { Agent, type Dispatcher, ProxyAgent, request } from "undici";
import { webStreamOf } from "../streams.js";
import {
  isMultipart,
  multipartChunks,
  type Transport,
  TransportError,
  type TransportRequest,
  type TransportResponse,
} from "../transport.js";

export interface TlsOptions {
  /** Verify the server's certificate (default true). */
  rejectUnauthorized?: boolean | undefined;
  /** Extra trusted CA certificates (PEM). */
  ca?: string | Uint8Array | readonly (string | Uint8Array)[] | undefined;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Uint8Array | undefined;
  key?: string | Uint8Array | undefined;
}

export interface ProxyOptions {
  /** http://host:port of the proxy. */
  url: string;
  /** Value of Proxy-Authorization, if the proxy needs one (e.g. "Basic dXNlcjpwYXNz"). */
  authorization?: string | undefined;
}

export interface UndiciTransportOptions {
  tls?: TlsOptions | undefined;
  proxy?: ProxyOptions | undefined;
  /** How long an idle connection stays open (ms). */
  keepAliveTimeout?: number;
  /** Connect timeout (ms). */
  connectTimeout?: number;
}

export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const tls = options.tls ?? {};
  const connect = {
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(tls.ca !== undefined ? { ca: toPem(tls.ca) } : {}),
    ...(tls.cert !== undefined ? { cert: toPem(tls.cert) as string } : {}),
    ...(tls.key !== undefined ? { key: toPem(tls.key) as string } : {}),
    timeout: options.connectTimeout ?? 10_000,
  };
  const keepAliveTimeout = options.keepAliveTimeout ?? 30_000;
  const dispatcher: Dispatcher = options.proxy
    ? new ProxyAgent({
        uri: options.proxy.url,
        ...(options.proxy.authorization ? { token: options.proxy.authorization } : {}),
        requestTls: connect,
        keepAliveTimeout,
      })
    : new Agent({ connect, keepAliveTimeout });
  let closed = false;

  return {
    async request(req: TransportRequest): Promise<TransportResponse> {
      if (closed) throw new TransportError("connection", "the client is closed");
      let body: Dispatcher.RequestOptions["body"];
      const headers = req.headers;
      if (isMultipart(req.body)) {
        headers["content-type"] = req.body.contentType;
        // undici streams any async iterable body; its type declarations only list Readable.
        body = multipartChunks(req.body) as unknown as Readable;
      } else if (typeof Blob !== "undefined" && req.body instanceof Blob) {
        body = Readable.fromWeb(req.body.stream() as import("node:stream/web").ReadableStream);
      } else {
        body = req.body as unknown as Dispatcher.RequestOptions["body"];
      }
      const deadline =
        req.timeout > 0 && req.timeout < TIMED_EXACTLY_BELOW ? new AnswerDeadline(req.timeout, req.signal) : undefined;
      const signal = deadline ?? req.signal;
      try {
        const res = await request(req.url, {
          dispatcher,
          method: req.method as Dispatcher.HttpMethod,
          headers,
          ...(body === undefined ? {} : { body }),
          ...(signal === undefined ? {} : { signal }),
          // A short wait for the answer to start is timed by our own timer; gaps between chunks by undici's.
          headersTimeout: deadline ? 0 : req.timeout,
          bodyTimeout: req.timeout,
        });
        deadline?.answered(res.body);
        return new UndiciResponse(res);
      } catch (error) {
        deadline?.answered(undefined);
        if (deadline?.expired) {
          throw new TransportError("timeout", `no answer within ${req.timeout} ms`, { cause: error });
        }
        throw toTransportError(error, req.signal);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await dispatcher.close();
    },
  };
}

/**
 * undici times the wait for an answer with coarse timers that fire up to a second late: no matter for the default
 * 30 s, but a 200 ms timeout could wait 1.2 s. Below this, the wait is timed by a native timer of its own, which
 * costs about 5 µs of CPU per call (3% of a small call), so it is not spent where the second does not matter.
 */
const TIMED_EXACTLY_BELOW = 10_000;

/**
 * Times the wait for an answer to start with a native timer. It is the signal undici is given: undici takes an
 * EventEmitter as well as an AbortSignal, and an emitter's listener costs far less CPU than an AbortSignal's (about
 * 5 µs per call against 30 µs, measured side by side on the project's machine).
 */
class AnswerDeadline extends EventEmitter {
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #caller: AbortSignal | undefined;
  readonly #forward = () => this.emit("abort");
  expired = false;

  constructor(ms: number, caller: AbortSignal | undefined) {
    super();
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.expired = true;
      this.emit("abort");
    }, ms);
    caller?.addEventListener("abort", this.#forward, { once: true });
  }

  /** undici reads this before it listens: an already aborted caller stops the request at once. */
  get aborted(): boolean {
    return this.#caller?.aborted === true;
  }

  /**
   * The answer started (or the request failed): stop the timer. The caller's signal keeps reaching the body until
   * it is read or dropped, and is let go of then, so that a long-lived signal does not collect listeners.
   */
  answered(body: Readable | undefined): void {
    clearTimeout(this.#timer);
    if (!this.#caller) return;
    const release = () => this.#caller?.removeEventListener("abort", this.#forward);
    if (body && !body.destroyed) body.once("close", release);
    else release();
  }
}

class UndiciResponse implements TransportResponse {
  readonly status: number;
  private readonly res: Dispatcher.ResponseData;

  constructor(res: Dispatcher.ResponseData) {
    this.res = res;
    this.status = res.statusCode;
  }

  header(name: string): string | undefined {
    const value = this.res.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.res.headers)) {
      if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
    }
    return out;
  }

  async text(): Promise<string> {
    try {
      return await this.res.body.text();
    } catch (error) {
      throw toTransportError(error);
    }
  }

  async bytes(): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.res.body.arrayBuffer());
    } catch (error) {
      throw toTransportError(error);
    }
  }

  stream(): ReadableStream<Uint8Array> {
    // Not Readable.toWeb: on Node 20 its adapter throws an uncaught "Controller is already closed" when the web
    // stream is cancelled while the body still has data. Cancelling this one destroys the body (the connection is
    // dropped, not reused).
    return webStreamOf(this.res.body, { mapError: (error) => toTransportError(error) });
  }

  async discard(): Promise<void> {
    try {
      await this.res.body.dump();
    } catch {
      // Nothing to save: the connection is dropped instead of reused.
    }
  }
}

function toPem(value: string | Uint8Array | readonly (string | Uint8Array)[]): string | string[] {
  const one = (v: string | Uint8Array) => (typeof v === "string" ? v : Buffer.from(v).toString("utf8"));
  return Array.isArray(value) ? value.map(one) : one(value as string | Uint8Array);
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

function toTransportError(error: unknown, signal?: AbortSignal): TransportError {
  if (error instanceof TransportError) return error;
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (signal?.aborted || err?.name === "AbortError" || err?.code === "UND_ERR_ABORTED") {
    return new TransportError("abort", "aborted", { cause: error });
  }
  if (TIMEOUT_CODES.has(err?.code ?? ""))
    return new TransportError("timeout", err.message ?? "timeout", { cause: error });
  const code = err?.code ?? err?.cause?.code;
  const message = [code, err?.message].filter(Boolean).join(": ") || String(error);
  return new TransportError("connection", message, { cause: error });
}
