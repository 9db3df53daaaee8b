/** Encodes a call's body for the wire by the endpoint's body kind, setting the content type it needs. */
import type { Endpoint } from "./endpoint.js";
import { UsageError } from "./errors.js";
import type { TransportBody } from "./transport.js";
import { describe, encodeMultipart, isUploadable, openUploadable, type Uploadable } from "./uploads.js";

export async function encodeBody(
  ep: Endpoint,
  body: unknown,
  headers: Record<string, string>,
): Promise<TransportBody | undefined> {
  if (body === undefined) return undefined;
  switch (ep.body) {
    case "multipart":
      return encodeMultipart(body as Record<string, unknown>);
    case "binary":
      if (!isUploadable(body))
        throw new UsageError(`${ep.id}: the body must be bytes, a Blob or a stream, got ${describe(body)}`);
      headers["content-type"] ??= "application/octet-stream";
      return openUploadable(body as Uploadable);
    default: {
      headers["content-type"] = "application/json";
      let text: string | undefined;
      try {
        text = JSON.stringify(body);
      } catch (error) {
        throw new UsageError(`${ep.id}: the body cannot be sent as JSON: ${(error as Error).message}`);
      }
      if (text === undefined) throw new UsageError(`${ep.id}: the body cannot be sent as JSON (${describe(body)})`);
      return text;
    }
  }
}
