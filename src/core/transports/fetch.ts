/**
 * The portable transport: any WHATWG fetch (browsers, Bun, Deno, Node's global fetch, or one you pass in).
 * Connection reuse is the runtime's business; TLS and proxy options are not available here.
 */

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

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export function createFetchTransport(fetchImpl?: FetchFunction): Transport {
  const doFetch: FetchFunction = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const controllers = new Set<AbortController>();
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
      // The timeout covers the wait for the answer to start (like undici's headersTimeout); the body then
      // streams without a deadline of its own here.
      const arm = () => {
        if (req.timeout > 0) {
          timer = setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, req.timeout);
        }
      };
      const disarm = () => {
        clearTimeout(timer);
        req.signal?.removeEventListener("abort", onAbort);
        controllers.delete(controller);
      };
      const init: RequestInit & { duplex?: "half" } = {
        method: req.method,
        headers: req.headers,
        signal: controller.signal,
      };
      if (isMultipart(req.body)) {
        (init.headers as Record<string, string>)["content-type"] = req.body.contentType;
        init.body = await multipartBody(req.body);
      } else if (req.body !== undefined && isAsyncIterable(req.body)) {
        init.body = webStreamOf(req.body);
      } else if (req.body !== undefined) {
        init.body = req.body as BodyInit;
      }
      if (init.body instanceof ReadableStream) init.duplex = "half";
      arm();
      try {
        const response = await doFetch(req.url, init);
        clearTimeout(timer);
        return new FetchResponse(response, disarm);
      } catch (error) {
        disarm();
        if (timedOut) throw new TransportError("timeout", `no answer within ${req.timeout} ms`, { cause: error });
        if (req.signal?.aborted) throw new TransportError("abort", "aborted", { cause: error });
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
  ) {
    this.status = response.status;
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
    try {
      return await this.response.text();
    } catch (error) {
      throw new TransportError("connection", `reading the body failed: ${(error as Error).message}`, { cause: error });
    } finally {
      this.done();
    }
  }

  async bytes(): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.response.arrayBuffer());
    } catch (error) {
      throw new TransportError("connection", `reading the body failed: ${(error as Error).message}`, { cause: error });
    } finally {
      this.done();
    }
  }

  stream(): ReadableStream<Uint8Array> {
    const body = this.response.body;
    if (!body) {
      this.done();
      return new ReadableStream({ start: (c) => c.close() });
    }
    // The caller's signal and close() reach the body until it is over, like the other ways of reading it.
    return webStreamOf(chunksOf(body), {
      finish: this.done,
      mapError: (error) =>
        new TransportError("connection", `reading the body failed: ${(error as Error).message}`, { cause: error }),
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

/** A Blob when every part is in memory (what browsers can send); a stream otherwise. */
async function multipartBody(body: MultipartBody): Promise<BodyInit> {
  if (body.parts.every((p) => typeof p === "string" || p instanceof Uint8Array || p instanceof Blob)) {
    return new Blob(body.parts as BlobPart[], { type: body.contentType });
  }
  return webStreamOf(multipartChunks(body));
}
