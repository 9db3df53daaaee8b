/** A scripted Transport for unit tests of the core: records every request, answers from a handler. */
import {
  multipartChunks,
  type Transport,
  TransportError,
  type TransportRequest,
  type TransportResponse,
} from "../../src/core/transport.js";
import type { MultipartBody } from "../../src/core/uploads.js";

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or bytes as is. */
  body?: unknown;
  /** Fail below HTTP instead of answering. */
  fail?: "connection" | "timeout";
  /** Fail while the body is read (a connection dropped mid-answer). */
  failBody?: boolean;
}

export interface Recorded extends TransportRequest {
  /** The body as text (multipart bodies are read out). */
  bodyText?: string | undefined;
}

export type Handler = (req: Recorded, index: number) => Reply | Promise<Reply>;

export class FakeTransport implements Transport {
  readonly requests: Recorded[] = [];
  closed = false;
  #handler: Handler;

  constructor(handler: Handler | Reply[]) {
    if (Array.isArray(handler)) {
      const replies = handler;
      this.#handler = (_req, i) => replies[Math.min(i, replies.length - 1)];
    } else this.#handler = handler;
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const recorded: Recorded = { ...req, headers: { ...req.headers } };
    recorded.bodyText = await bodyText(req.body);
    const index = this.requests.length;
    this.requests.push(recorded);
    if (req.signal?.aborted) throw new TransportError("abort", "aborted");
    const reply = await this.#handler(recorded, index);
    if (reply.fail)
      throw new TransportError(reply.fail, reply.fail === "timeout" ? "timeout" : "ECONNRESET: socket hang up");
    return fakeResponse(reply);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

async function bodyText(body: TransportRequest["body"]): Promise<string | undefined> {
  if (body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (typeof body === "object" && body !== null && "parts" in body) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of multipartChunks(body as MultipartBody)) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8");
  }
  if (body instanceof Blob) return body.text();
  // A one-shot stream: read it (as a real transport would have sent it).
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export function fakeResponse(reply: Reply): TransportResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
  let bytes: Uint8Array;
  if (reply.body === undefined) bytes = new Uint8Array();
  else if (typeof reply.body === "string") bytes = new TextEncoder().encode(reply.body);
  else if (reply.body instanceof Uint8Array) bytes = reply.body;
  else {
    bytes = new TextEncoder().encode(JSON.stringify(reply.body));
    headers["content-type"] ??= "application/json";
  }
  const read = async () => {
    if (reply.failBody) throw new TransportError("connection", "other side closed");
    return bytes;
  };
  return {
    status: reply.status ?? 200,
    header: (name) => headers[name],
    headers: () => ({ ...headers }),
    text: async () => new TextDecoder().decode(await read()),
    bytes: read,
    stream: () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
    discard: async () => {},
  };
}

export const appError = (status: number, id: string, message: string) => ({
  id,
  message,
  detailed_error: "",
  request_id: "req-1",
  status_code: status,
});
