/**
 * The portable transport: any WHATWG fetch (browsers, Bun, Deno, Node's global fetch, or one you pass in).
 * Connection reuse is the runtime's business; TLS and proxy options are not available here.
 */

import { crossOriginPage, fetchSendsStreams, isBrowserLike, lastHopIsHttp2 } from "../browser.js";
import { redactUrl, UsageError } from "../errors.js";
import { clampTimer } from "../retry.js";
import { chunksOf, webStreamOf } from "../streams.js";
import {
  isMultipart,
  multipartChunks,
  type Transport,
  TransportError,
  type TransportRequest,
  type TransportResponse,
} from "../transport.js";
import type { MultipartBody } from "../uploads.js";
import { declaredTooLarge, IdleWatch, OriginGates, readAllLimited, tooLarge, watchedChunks } from "./limits.js";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface FetchTransportOptions {
  /** Requests in flight at once per origin; more wait their turn. Default 64. */
  maxConnections?: number | undefined;
  /** "include" sends the browser's cookies on cross-origin calls too (cookie sessions); default: the runtime's. */
  credentials?: "include" | undefined;
}

export function createFetchTransport(fetchImpl?: FetchFunction, options: FetchTransportOptions = {}): Transport {
  const doFetch: FetchFunction = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const controllers = new Set<AbortController>();
  const gates = new OriginGates(options.maxConnections ?? 64);
  let closed = false;

  return {
    async request(req: TransportRequest): Promise<TransportResponse> {
      if (closed) throw new TransportError("connection", "the client is closed");
      const controller = new AbortController();
      controllers.add(controller);
      const onAbort = () => controller.abort();
      req.signal?.addEventListener("abort", onAbort, { once: true });
      if (req.signal?.aborted) controller.abort();
      let timedOut = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expire = () => {
        timedOut = true;
        controller.abort();
      };
      // The timeout covers the wait for the answer to start (like undici's headersTimeout, the wait for a slot
      // included), then each wait for the next chunk of the body (IdleWatch, like undici's bodyTimeout).
      const arm = () => {
        if (req.timeout > 0) timer = setTimeout(expire, clampTimer(req.timeout));
      };
      let slot: ReturnType<OriginGates["enter"]> | undefined;
      const disarm = () => {
        clearTimeout(timer);
        req.signal?.removeEventListener("abort", onAbort);
        controllers.delete(controller);
        // The slot is given back a turn later: fetch puts the connection back in its pool only after the body's
        // end has been delivered, and a request let in at once would open a connection of its own.
        if (slot) setTimeout(slot.leave, 0);
      };
      const init: RequestInit & { duplex?: "half" } = {
        method: req.method,
        headers: req.headers,
        signal: controller.signal,
        // Every 3xx is handed to the client's redirect policy (redirects.ts): fetch's own following would send the
        // body and credentials on to any origin and hand back the target's answer (its Token header included).
        redirect: "manual",
      };
      if (options.credentials) init.credentials = options.credentials;
      if (isMultipart(req.body)) {
        (init.headers as Record<string, string>)["content-type"] = req.body.contentType;
        init.body = await multipartBody(req.body, req);
      } else if (req.body !== undefined && isAsyncIterable(req.body)) {
        init.body = sendsStreams(req.url) ? webStreamOf(req.body) : await bufferedBody([req.body], "", req);
      } else if (req.body !== undefined) {
        init.body = streamedBlob(req.body) ?? (req.body as BodyInit);
      }
      if (init.body instanceof ReadableStream) init.duplex = "half";
      arm();
      slot = gates.enter(req.url, controller.signal);
      try {
        if (slot.ready) await slot.ready;
        const response = await doFetch(req.url, init);
        clearTimeout(timer);
        const watch = req.timeout > 0 ? new IdleWatch(req.timeout, expire) : undefined;
        return new FetchResponse(response, disarm, req.maxBytes, watch, () => timedOut, req.timeout);
      } catch (error) {
        disarm();
        if (timedOut) throw new TransportError("timeout", `no answer within ${req.timeout} ms`, { cause: error });
        if (req.signal?.aborted) throw new TransportError("abort", "aborted", { cause: error });
        // A browser rejects a call to another origin with a bare TypeError when CORS refuses it (or the server is
        // unreachable: the page cannot tell which); the client turns this into a CorsError that is not retried.
        if (error instanceof TypeError && crossOriginPage(req.url)) {
          throw new TransportError("cors", error.message, { cause: error });
        }
        const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
        const detail = [cause?.code, cause?.message ?? (error as Error)?.message].filter(Boolean).join(": ");
        throw new TransportError("connection", detail || String(error), { cause: error });
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const controller of controllers) controller.abort();
      controllers.clear();
    },
  };
}

class FetchResponse implements TransportResponse {
  readonly status: number;
  constructor(
    private readonly response: Response,
    private readonly done: () => void,
    private readonly maxBytes: number | undefined,
    private readonly watch: IdleWatch | undefined,
    private readonly timedOut: () => boolean,
    private readonly timeout: number,
  ) {
    // A fetch that followed a redirect anyway (one passed in that ignores redirect: "manual") answered from
    // somewhere the policy did not allow: reported as an unreadable redirect (status 0, what browsers give), never
    // as the answer.
    this.status = response.redirected ? 0 : response.status;
  }

  /** The body whole, within the size limit and the wait allowed between chunks. */
  async #read(): Promise<Uint8Array> {
    const limit = this.maxBytes ?? Number.POSITIVE_INFINITY;
    try {
      if (declaredTooLarge(this.response.headers.get("content-length"), limit)) {
        await this.response.body?.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      if (!this.response.body) return new Uint8Array(0);
      return await readAllLimited(this.response.body, limit, this.watch);
    } catch (error) {
      throw this.#failure(error);
    } finally {
      this.done();
    }
  }

  #failure(error: unknown): TransportError {
    if (error instanceof TransportError) return error;
    if (this.timedOut()) {
      return new TransportError("timeout", `no data for ${this.timeout} ms while reading the body`, { cause: error });
    }
    return new TransportError("connection", `reading the body failed: ${(error as Error).message}`, { cause: error });
  }

  header(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    this.response.headers.forEach((value, key) => {
      out[key] = value;
    });
    return out;
  }

  async text(): Promise<string> {
    // TextDecoder drops a byte order mark, as Response.text() does.
    return new TextDecoder().decode(await this.#read());
  }

  async bytes(): Promise<Uint8Array> {
    return this.#read();
  }

  stream(): ReadableStream<Uint8Array> {
    const body = this.response.body;
    if (!body) {
      this.done();
      return new ReadableStream({ start: (c) => c.close() });
    }
    // The caller's signal and close() reach the body until it is over, like the other ways of reading it.
    return webStreamOf(this.watch ? watchedChunks(chunksOf(body), this.watch) : chunksOf(body), {
      finish: this.done,
      mapError: (error) => this.#failure(error),
    });
  }

  async discard(): Promise<void> {
    try {
      await this.response.body?.cancel();
    } catch {
      // Already consumed or broken: nothing to release.
    } finally {
      this.done();
    }
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof (value as AsyncIterable<Uint8Array>)?.[Symbol.asyncIterator] === "function";
}

/**
 * Node, Bun and Deno send a stream body (duplex: "half") as it is read, but a Blob body whole from memory (undici's
 * fetch reads a Blob, a file from fromPath() too, into one buffer before sending it). Browsers read a Blob or File
 * from disk themselves, and most cannot send a stream over HTTP/1.1, so there a Blob stays a Blob.
 */
const STREAMS_UPLOADS =
  Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node) ||
  "Deno" in globalThis;

/** Bodies smaller than this are sent whole even where streaming is possible (with a Content-Length). */
const STREAM_UPLOADS_OVER = 1024 * 1024;

/** A large Blob as a stream where the runtime can send one; undefined to send the body as it is. */
function streamedBlob(body: unknown): ReadableStream<Uint8Array> | undefined {
  if (!STREAMS_UPLOADS || typeof Blob === "undefined" || !(body instanceof Blob)) return undefined;
  return body.size > STREAM_UPLOADS_OVER ? (body.stream() as ReadableStream<Uint8Array>) : undefined;
}

/**
 * The most bytes of stream bodies read into memory where fetch cannot send a stream: Mattermost's default
 * FileSettings.MaxFileSize (100 MiB, model/config.go 004a635ec62b9de56a34b845132892520e9f6da8), so that any file
 * a default server accepts fits.
 */
export const BUFFERED_UPLOAD_LIMIT = 100 * 1024 * 1024;

/**
 * Whether a stream body can go out as a stream. Node and Deno send one as it is read. In browsers Firefox cannot
 * (the request-streams probe fails), and Chromium sends one over HTTP/2 or HTTP/3 only (over HTTP/1.1, which is
 * all a browser speaks over http:// and all many proxies speak, it fails with ERR_ALPN_NEGOTIATION_FAILED): so a
 * browser streams only to a server its last request to went over HTTP/2 or later. Elsewhere the probe decides.
 */
function sendsStreams(url: string): boolean {
  if (STREAMS_UPLOADS) return true;
  if (!fetchSendsStreams()) return false;
  return !isBrowserLike() || (url.startsWith("https:") && lastHopIsHttp2(url));
}

/** A Blob when every part is in memory or a small Blob (what browsers can send); a stream otherwise. */
async function multipartBody(body: MultipartBody, req: TransportRequest): Promise<BodyInit> {
  if (body.parts.every((p) => typeof p === "string" || p instanceof Uint8Array || p instanceof Blob)) {
    const blob = new Blob(body.parts as BlobPart[], { type: body.contentType });
    if (!streamedBlob(blob)) return blob;
  }
  if (sendsStreams(req.url)) return webStreamOf(multipartChunks(body));
  return bufferedBody(body.parts, body.contentType, req);
}

/**
 * The parts as one Blob, for a fetch that cannot send a stream: Blobs and Files stay as they are (the browser reads
 * them from disk), streams are read into memory, at most BUFFERED_UPLOAD_LIMIT bytes of them.
 */
async function bufferedBody(
  parts: readonly (string | Uint8Array | Blob | AsyncIterable<Uint8Array>)[],
  type: string,
  req: TransportRequest,
): Promise<Blob> {
  const out: BlobPart[] = [];
  let held = 0;
  for (const part of parts) {
    if (typeof part === "string" || part instanceof Uint8Array || part instanceof Blob) {
      out.push(part as BlobPart);
      continue;
    }
    for await (const chunk of part) {
      if (req.signal?.aborted) throw new TransportError("abort", "aborted while reading the body to send");
      held += chunk.byteLength;
      if (held > BUFFERED_UPLOAD_LIMIT) {
        throw new UsageError(
          `${req.method} ${redactUrl(req.url)}: this runtime cannot send a stream body over ` +
            `${new URL(req.url).protocol}// (its fetch has no request streams), so the stream is read into memory ` +
            `first, and it is over the ${BUFFERED_UPLOAD_LIMIT} bytes allowed for that: upload a Blob or File ` +
            "instead (the browser reads those from disk)",
        );
      }
      out.push(chunk as BlobPart);
    }
  }
  return new Blob(out, type ? { type } : undefined);
}
