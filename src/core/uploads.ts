/**
 * What can be uploaded, and multipart/form-data encoding. Bodies are built as a list of parts so that each
 * transport can send them its own way (undici streams them; fetch makes a Blob when nothing is a stream). A body
 * with a stream in it can be sent only once: the client never retries it.
 */
import { UsageError } from "./errors.js";
import { nodeOnly } from "./node-only.js";
import { chunksOf } from "./streams.js";

const FILE = Symbol.for("matterapi.file");

/** A file with a name (and optionally a content type): from toFile() or fromPath(). */
export interface NamedFile {
  readonly [FILE]: true;
  readonly name: string;
  readonly type?: string | undefined;
  /** Resolves the content lazily (a path is opened only when the request is sent). */
  readonly open: () => Promise<FilePart["content"]>;
  /** False when the content is a one-shot stream. */
  readonly replayable: boolean;
  /** Where the content comes from, for code that must pass it elsewhere (the SyncClient's worker). */
  readonly origin: { path: string } | { content: Uint8Array | ArrayBuffer | Blob } | { stream: true };
}

/** One file's content: bytes, a Blob (or File), a web ReadableStream, a Node stream or any async iterable of bytes. */
export type Uploadable =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | NamedFile;

/** A file field of a multipart body: one file, a list, or a record from file name to content. */
export type Uploads = Uploadable | readonly Uploadable[] | Readonly<Record<string, Uploadable>>;

/** Gives content a file name (and content type) for an upload. */
export function toFile(
  content: Uploadable | string,
  name: string,
  options: { type?: string | undefined } = {},
): NamedFile {
  if (typeof name !== "string" || name === "") throw new UsageError("toFile needs a non-empty file name");
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  if (isNamedFile(data)) return { ...data, name, type: options.type ?? data.type };
  if (!isUploadable(data)) throw new UsageError(`toFile: cannot upload a ${describe(data)} (name ${name})`);
  const stream = isStream(data);
  return {
    [FILE]: true,
    name,
    type: options.type,
    replayable: !stream,
    origin: stream ? { stream: true } : { content: data as Uint8Array | ArrayBuffer | Blob },
    open: async () => normalise(data),
  };
}

/** A file on disk, opened when the request is sent (Node, Bun and Deno only). */
export function fromPath(
  path: string,
  options: { name?: string | undefined; type?: string | undefined } = {},
): NamedFile {
  if (typeof path !== "string" || path === "") throw new UsageError("fromPath needs a file path");
  return {
    [FILE]: true,
    name: options.name ?? basename(path),
    type: options.type,
    replayable: true,
    origin: { path },
    open: async () => {
      const fs = await nodeOnly.fs().catch(() => {
        throw new UsageError("fromPath() needs a file system (Node, Bun or Deno); pass the bytes or a Blob instead");
      });
      try {
        return await fs.openAsBlob(path, options.type ? { type: options.type } : undefined);
      } catch (error) {
        throw new UsageError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

export function isNamedFile(value: unknown): value is NamedFile {
  return typeof value === "object" && value !== null && (value as { [FILE]?: unknown })[FILE] === true;
}

export function isUploadable(value: unknown): value is Uploadable {
  if (typeof value !== "object" || value === null) return false;
  return (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    (typeof Blob !== "undefined" && value instanceof Blob) ||
    isStream(value) ||
    isNamedFile(value)
  );
}

function isStream(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) return true;
  return typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** Whether sending this body again would send the same bytes. */
export function isReplayable(value: unknown): boolean {
  if (isNamedFile(value)) return value.replayable;
  if (isStream(value)) return false;
  if (Array.isArray(value)) return value.every(isReplayable);
  if (typeof value === "object" && value !== null && !isUploadable(value)) {
    return Object.values(value).every(isReplayable);
  }
  return true;
}

export interface FilePart {
  content: Uint8Array | Blob | AsyncIterable<Uint8Array>;
}

async function normalise(data: Exclude<Uploadable, NamedFile>): Promise<FilePart["content"]> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof Blob !== "undefined" && data instanceof Blob) return data;
  if (typeof ReadableStream !== "undefined" && data instanceof ReadableStream) return chunksOf(data);
  return data as AsyncIterable<Uint8Array>;
}

/** Bytes, a Blob or a stream, ready for a transport (a named file is opened). */
export async function openUploadable(value: Uploadable): Promise<FilePart["content"]> {
  return isNamedFile(value) ? value.open() : normalise(value);
}

/** A multipart/form-data body as parts in order; strings are the part headers and text fields. */
export interface MultipartBody {
  contentType: string;
  parts: (string | Uint8Array | Blob | AsyncIterable<Uint8Array>)[];
}

/**
 * Encodes a form. Text fields go first: Mattermost's streaming upload handler needs channel_id before the files.
 * A field's value may be a string, number or boolean, a list of them (repeated field), an Uploadable, a list of
 * Uploadables, or a record from file name to Uploadable.
 */
export async function encodeMultipart(form: Record<string, unknown>): Promise<MultipartBody> {
  if (typeof form !== "object" || form === null || Array.isArray(form)) {
    throw new UsageError(`a multipart body must be an object of fields, got ${describe(form)}`);
  }
  const boundary = `matterapi-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const texts: [string, string][] = [];
  const files: { field: string; name: string; type: string | undefined; value: Uploadable }[] = [];
  for (const [field, value] of Object.entries(form)) {
    if (value === undefined || value === null) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") {
        texts.push([field, String(item)]);
      } else if (isUploadable(item)) {
        files.push({
          field,
          name: fileName(item, field),
          type: isNamedFile(item) ? item.type : blobType(item),
          value: item,
        });
      } else if (typeof item === "object" && item !== null && !Array.isArray(value)) {
        for (const [name, content] of Object.entries(item)) {
          if (!isUploadable(content)) {
            throw new UsageError(
              `multipart field ${field}: file ${name} is a ${describe(content)}, not uploadable content`,
            );
          }
          files.push({ field, name, type: isNamedFile(content) ? content.type : blobType(content), value: content });
        }
      } else {
        throw new UsageError(`multipart field ${field}: cannot send a ${describe(item)}`);
      }
    }
  }
  const parts: MultipartBody["parts"] = [];
  for (const [field, text] of texts) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(field)}"\r\n\r\n${text}\r\n`);
  }
  for (const file of files) {
    const type = file.type || contentTypeFor(file.name);
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; filename="${quote(file.name)}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`,
    );
    parts.push(await openUploadable(file.value));
    parts.push("\r\n");
  }
  parts.push(`--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, parts };
}

function fileName(value: Uploadable, field: string): string {
  if (isNamedFile(value)) return value.name;
  const named = value as { name?: unknown; path?: unknown };
  if (typeof named.name === "string" && named.name) return named.name; // File
  if (typeof named.path === "string" && named.path) return basename(named.path); // fs.ReadStream
  return field;
}

function blobType(value: Uploadable): string | undefined {
  return typeof Blob !== "undefined" && value instanceof Blob && value.type ? value.type : undefined;
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

function quote(text: string): string {
  return text.replace(/[\r\n]/g, " ").replace(/"/g, "%22");
}

const TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  pdf: "application/pdf",
  zip: "application/zip",
  mp4: "video/mp4",
  mp3: "audio/mpeg",
};

function contentTypeFor(name: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) || "application/octet-stream";
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
