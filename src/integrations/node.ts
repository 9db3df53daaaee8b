/**
 * Runs an integration handler (`(Request) => Promise<Response>`) under `node:http` or Express-style middleware
 * (`(req, res, next?)`). The body is streamed to the handler as it comes (the handler's size and time limits apply);
 * when a body parser has already read it (Express' `express.json()` / `express.urlencoded()`), the parsed body is
 * turned back into what was sent.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    } catch {
      // A header value fetch's Headers refuses (control characters): dropped, as a proxy would.
    }
  }
  return headers;
}

/** The body a body parser already read, re-encoded; undefined when the stream is still unread. */
function parsedBody(req: IncomingMessage, headers: Headers): BodyInit | undefined {
  const body = (req as { body?: unknown }).body;
  if (!req.readableEnded || body === undefined) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body as BodyInit;
  if (body && typeof body === "object") {
    if ((headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) {
        for (const item of Array.isArray(v) ? v : [v]) form.append(k, String(item));
      }
      return form.toString();
    }
    return JSON.stringify(body);
  }
  return undefined;
}

/** The web Request for a Node request. */
export function toWebRequest(req: IncomingMessage): Request {
  const headers = headersOf(req);
  const host = headers.get("host") ?? "localhost";
  // Concatenated, not resolved: a request target like "//other/x" stays a path of this host.
  const path = (req.url ?? "/").startsWith("/") ? (req.url ?? "/") : `/${req.url ?? ""}`;
  const url = new URL(`http://${/^[\w.:[\]-]+$/.test(host) ? host : "localhost"}${path}`);
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    const already = parsedBody(req, headers);
    if (already !== undefined) {
      init.body = already;
      headers.delete("content-length");
    } else {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }
  }
  return new Request(url, init);
}

/** Writes a web Response to a Node response. */
export async function writeNodeResponse(response: Response, res: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers["content-length"] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}

/** `http.createServer(toNodeHandler(handler))`, or `app.post("/command", toNodeHandler(handler))` in Express. */
export function toNodeHandler(handler: (request: Request) => Promise<Response>): NodeHandler {
  return (req, res, next) => {
    const run = async () => {
      let request: Request;
      try {
        request = toWebRequest(req);
      } catch {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        res.end("the request could not be read");
        return;
      }
      await writeNodeResponse(await handler(request), res);
    };
    run().catch((error) => {
      if (next) next(error);
      else if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("the integration failed to handle the request");
      } else res.destroy();
    });
  };
}
