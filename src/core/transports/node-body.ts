/** Reading a Node body whole within a size limit (the undici transport; Node only). */
import type { Readable } from "node:stream";
import { TransportError } from "../transport.js";
import { concat, tooLarge } from "./limits.js";

/**
 * The whole body, or a "too-large" TransportError as soon as it passes `limit` bytes; the body is destroyed then,
 * which drops the connection instead of reading on. Per chunk: one addition and one comparison beyond the push.
 */
export function readLimited(body: Readable, limit: number): Promise<Uint8Array> {
  // Its end or error was already told to nobody (aborted before it was read): nothing would ever settle below.
  if (body.destroyed) {
    return Promise.reject(body.errored ?? new TransportError("connection", "the answer was closed before it was read"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    body.on("data", (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(tooLarge(limit));
        body.destroy();
      } else chunks.push(chunk);
    });
    body.once("end", () => resolve(concat(chunks, size)));
    body.on("error", reject); // on, not once: destroying the body may report more than one error
    body.once("close", () => reject(new TransportError("connection", "the connection closed before the answer ended")));
  });
}

/** UTF-8 text of a body, without a byte order mark (as undici's and fetch's text() drop it). */
export function utf8(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return buffer.toString("utf8", bom ? 3 : 0);
}

/** A plain Uint8Array that owns its whole buffer (a chunk may be a Buffer viewing a larger, shared one). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  const exact =
    bytes.constructor === Uint8Array && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return exact ? bytes : new Uint8Array(bytes);
}
