/**
 * The seam between the client and HTTP. Two implementations ship: undici (Node; one connection pool per client)
 * and fetch (browsers, Bun, Deno, or any fetch you pass). Tests inject their own.
 */
import { chunksOf } from "./streams.js";
import type { MultipartBody } from "./uploads.js";

export type TransportBody = string | Uint8Array | Blob | AsyncIterable<Uint8Array> | MultipartBody;

export interface TransportRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: TransportBody | undefined;
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait for the answer to start, and between chunks of it; 0 waits forever. */
  timeout: number;
  /**
   * The most bytes text() and bytes() may read (stream() is not limited); over it they fail with a "too-large"
   * TransportError and drop the connection. Undefined: no limit.
   */
  maxBytes?: number | undefined;
}

export interface TransportResponse {
  status: number;
  /** A header by lower-case name (several values joined with ", "). */
  header(name: string): string | undefined;
  /** Every header, lower-case names. */
  headers(): Record<string, string>;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  stream(): ReadableStream<Uint8Array>;
  /** Reads and drops the body so the connection can be reused. Never throws. */
  discard(): Promise<void>;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Closes idle connections and refuses new requests. */
  close(): Promise<void>;
  /**
   * Aborts what is still in flight, unread bodies included (close() after its grace). Without it, close() itself
   * is taken to abort them.
   */
  destroy?(): Promise<void>;
}

/** How a request failed below HTTP; the client turns it into ConnectionError, RequestTimeoutError or RequestAbortedError. */
export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    /** "cors": a browser refused a cross-origin call (or could not reach the server; it cannot tell which). */
    readonly kind: "connection" | "timeout" | "abort" | "too-large" | "cors",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Turns a multipart body into a byte stream (for transports that take async iterables). */
export async function* multipartChunks(body: MultipartBody): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  for (const part of body.parts) {
    if (typeof part === "string") yield encoder.encode(part);
    else if (part instanceof Uint8Array) yield part;
    else if (typeof Blob !== "undefined" && part instanceof Blob) {
      // Blob.stream() reads a file-backed Blob (fromPath) in chunks instead of loading it whole.
      yield* chunksOf(part.stream());
    } else yield* part as AsyncIterable<Uint8Array>;
  }
}

export function isMultipart(body: TransportBody | undefined): body is MultipartBody {
  return typeof body === "object" && body !== null && "parts" in body && "contentType" in body;
}
