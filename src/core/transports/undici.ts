/**
 * The Node transport: undici.request on one dispatcher (connection pool with keep-alive) per client. undici's
 * request() costs far less CPU than fetch() (see bench/). TLS options go to the connector; a proxy uses ProxyAgent.
 */
import { EventEmitter } from "node:events";
import { pipeline, Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { Agent, type Dispatcher, Pool, ProxyAgent, request } from "undici";
import { clampTimer } from "../retry.js";
import { webStreamOf } from "../streams.js";
import {
  isMultipart,
  multipartChunks,
  type Transport,
  TransportError,
  type TransportRequest,
  type TransportResponse,
} from "../transport.js";
import { declaredTooLarge, tooLarge } from "./limits.js";
import { ownBytes, readLimited, utf8 } from "./node-body.js";

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
  /** Connections open at once per origin; further requests queue in undici. Default 64. */
  maxConnections?: number | undefined;
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
  // A pool per origin, capped: 2,000 calls at once share these connections instead of opening 2,000 sockets.
  const connections = options.maxConnections === Number.POSITIVE_INFINITY ? null : (options.maxConnections ?? 64);
  // The pools are kept to destroy them after close(): once closed, the Agent forgets them, and its own destroy()
  // then leaves the requests in flight hanging.
  const pools = new Set<Dispatcher>();
  const track = (pool: Pool) => {
    pools.add(pool);
    return pool;
  };
  const dispatcher: Dispatcher = options.proxy
    ? new ProxyAgent({
        uri: options.proxy.url,
        ...(options.proxy.authorization ? { token: options.proxy.authorization } : {}),
        requestTls: connect,
        keepAliveTimeout,
        connections,
      })
    : new Agent({ connect, keepAliveTimeout, connections, factory: (origin, opts) => track(new Pool(origin, opts)) });
  let closed = false;

  return {
    async request(req: TransportRequest): Promise<TransportResponse> {
      if (closed) throw new TransportError("connection", "the client is closed");
      let body: Dispatcher.RequestOptions["body"];
      const headers = req.headers;
      // Ask only for what decodedBody() undoes (a caller's own Accept-Encoding is kept).
      headers["accept-encoding"] ??= ACCEPT_ENCODING;
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
          headersTimeout: deadline ? 0 : clampTimer(req.timeout),
          bodyTimeout: clampTimer(req.timeout),
        });
        deadline?.answered(res.body);
        return new UndiciResponse(res, req.method, req.maxBytes);
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
    async destroy(): Promise<void> {
      closed = true;
      await Promise.all([dispatcher, ...pools].map((d) => d.destroy().catch(() => {})));
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

/** The codings decodedBody() undoes, and so all the client asks for. */
const ACCEPT_ENCODING = "gzip, deflate, br";

/**
 * The body as the server meant it: undici's request(), unlike fetch, hands back the bytes as sent, compressed or not.
 * The one place a body is decoded, so whatever reads it (and any limit on its size) sees decoded bytes. Returns the
 * raw body when there is nothing to undo; throws a TransportError for a coding the client did not ask for.
 */
function decodedBody(raw: Readable, contentEncoding: string | undefined): Readable {
  const codings = (contentEncoding ?? "")
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "" && c !== "identity");
  let body = raw;
  // Codings are listed in the order they were applied: the last one is undone first.
  for (const coding of codings.reverse()) {
    const decoder =
      coding === "gzip" || coding === "x-gzip"
        ? createGunzip()
        : coding === "deflate"
          ? createInflate()
          : coding === "br"
            ? createBrotliDecompress()
            : undefined;
    if (!decoder) {
      // Dropped unread (the connection with it); undici reports that as an error nobody needs to hear.
      raw.on("error", () => {});
      raw.destroy();
      throw new TransportError(
        "connection",
        `the answer is encoded as "${coding}", which the client does not decode (it asks for ${ACCEPT_ENCODING})`,
      );
    }
    // pipeline destroys every stage when one fails, so a dropped connection or a timeout reaches the reader.
    body = pipeline(body, decoder, () => {});
  }
  return body;
}

class UndiciResponse implements TransportResponse {
  readonly status: number;
  private readonly res: Dispatcher.ResponseData;
  readonly #method: string;
  readonly #maxBytes: number | undefined;
  #decoded: Readable | undefined;

  constructor(res: Dispatcher.ResponseData, method: string, maxBytes: number | undefined) {
    this.res = res;
    this.status = res.statusCode;
    this.#method = method;
    this.#maxBytes = maxBytes;
  }

  /**
   * Whether the body must be counted as it is read. Not when there is no limit (maxResponseBytes: Infinity), nor
   * when undici reads a body whose Content-Length is within it (undici refuses a byte more than declared): then its
   * own text() and arrayBuffer() read it, the fastest way. A declared length over the limit fails before a byte is
   * read; a chunked or decoded body is counted.
   */
  #mustCount(body: Readable): boolean {
    const limit = this.#maxBytes;
    if (limit === undefined || limit === Number.POSITIVE_INFINITY) return false;
    if (body !== this.res.body) return true;
    const length = this.header("content-length");
    if (length === undefined) return true;
    if (declaredTooLarge(length, limit)) {
      body.on("error", () => {}); // the abort this causes is the expected end of it
      body.destroy();
      throw tooLarge(limit);
    }
    return false;
  }

  /** The body to read: decoded, or undici's own when it needs no decoding (its text() and arrayBuffer() are fast). */
  #body(): Readable {
    // No body to decode: an empty gzip or br stream would fail as truncated.
    const bodiless =
      this.#method === "HEAD" || this.status === 204 || this.status === 304 || this.header("content-length") === "0";
    this.#decoded ??= bodiless ? this.res.body : decodedBody(this.res.body, this.header("content-encoding"));
    return this.#decoded;
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
      const body = this.#body();
      if (this.#mustCount(body)) return utf8(await readLimited(body, this.#maxBytes as number));
      return body === this.res.body ? await this.res.body.text() : (await readAll(body)).toString("utf8");
    } catch (error) {
      throw toTransportError(error);
    }
  }

  async bytes(): Promise<Uint8Array> {
    try {
      const body = this.#body();
      if (this.#mustCount(body)) return ownBytes(await readLimited(body, this.#maxBytes as number));
      return body === this.res.body ? new Uint8Array(await this.res.body.arrayBuffer()) : await readAll(body);
    } catch (error) {
      throw toTransportError(error);
    }
  }

  stream(): ReadableStream<Uint8Array> {
    // Not Readable.toWeb: on Node 20 its adapter throws an uncaught "Controller is already closed" when the web
    // stream is cancelled while the body still has data. Cancelling this one destroys the body (the connection is
    // dropped, not reused).
    let body: Readable;
    try {
      body = this.#body();
    } catch (error) {
      const failure = toTransportError(error);
      return new ReadableStream({ start: (c) => c.error(failure) });
    }
    return webStreamOf(body, { mapError: (error) => toTransportError(error) });
  }

  async discard(): Promise<void> {
    // Nothing is decoded to be dropped: a decoder in use is destroyed, and the raw body dumped.
    if (this.#decoded && this.#decoded !== this.res.body) this.#decoded.destroy();
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

/** zlib's codes for a body that is not what its Content-Encoding says (Z_DATA_ERROR, brotli's ERR__ERROR_FORMAT_*). */
const DECODE_CODE = /^(Z_|ERR__ERROR)/;

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toTransportError(error: unknown, signal?: AbortSignal): TransportError {
  if (error instanceof TransportError) return error;
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (signal?.aborted || err?.name === "AbortError" || err?.code === "UND_ERR_ABORTED") {
    return new TransportError("abort", "aborted", { cause: error });
  }
  if (TIMEOUT_CODES.has(err?.code ?? ""))
    return new TransportError("timeout", err.message ?? "timeout", { cause: error });
  const code = err?.code ?? err?.cause?.code;
  if (DECODE_CODE.test(code ?? "")) {
    const detail = `the answer does not decode as its Content-Encoding says: ${code}: ${err?.message}`;
    return new TransportError("connection", detail, { cause: error });
  }
  const message = [code, err?.message].filter(Boolean).join(": ") || String(error);
  return new TransportError("connection", message, { cause: error });
}
