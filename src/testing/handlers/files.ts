/** File uploads and downloads (api4/file.go), plugins and the health check. */
import { Errors } from "../app-error.js";
import { type Env, isAdmin, requireChannelAccess } from "../env.js";
import { isValidId } from "../ids.js";
import { fileInfoJson } from "../records/posts.js";
import type { Context, Router } from "../router.js";
import type { ChannelRecord, FileRecord } from "../store.js";

interface Part {
  name: string;
  filename?: string | undefined;
  contentType?: string | undefined;
  data: Buffer;
}

/** Splits a multipart/form-data body into its parts, in order. */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw Errors.invalidBodyParam("multipart boundary");
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const chunk = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next one
    const split = chunk.indexOf("\r\n\r\n");
    if (split < 0) throw Errors.invalidBodyParam("multipart part");
    const head = chunk.subarray(0, split).toString("utf8");
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? "";
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? "",
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim(),
      data: Buffer.from(chunk.subarray(split + 4)),
    });
    at = next;
  }
  return parts;
}

const IMAGE = /^image\/(png|jpeg|gif|bmp|webp)$/;

/** Width and height of a PNG or GIF (the server reads them for every image; we read the two easy formats). */
function dimensions(bytes: Buffer, mime: string): { width: number; height: number } | undefined {
  if (mime === "image/png" && bytes.length >= 24)
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (mime === "image/gif" && bytes.length >= 10)
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  return undefined;
}

const TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  txt: "text/plain",
  pdf: "application/pdf",
  json: "application/json",
  zip: "application/zip",
};

export function registerFiles(router: Router, env: Env): void {
  const { store } = env;

  const save = (
    ctx: Context,
    channel: ChannelRecord,
    name: string,
    data: Buffer,
    type?: string,
  ): FileRecord["info"] => {
    const me = ctx.me();
    const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
    const mime = type && type !== "application/octet-stream" ? type : (TYPES[extension] ?? "application/octet-stream");
    return store.createFile(
      {
        user_id: me.id,
        channel_id: channel.id,
        name,
        extension,
        size: data.length,
        mime_type: mime,
        ...(dimensions(data, mime) ?? {}),
        has_preview_image: IMAGE.test(mime),
      },
      data,
    );
  };

  const uploadChannel = (ctx: Context, channelId: string | undefined): ChannelRecord => {
    const me = ctx.me();
    if (!channelId || !isValidId(channelId)) throw Errors.noChannelId(`channelId=${channelId ?? ""}`);
    const channel = store.channels.get(channelId);
    if (channel?.delete_at !== 0) throw Errors.channelMissing();
    if (!store.isChannelMember(channel.id, me.id) && !isAdmin(me)) throw Errors.permissions("upload_file");
    return channel;
  };

  // api4/file.go uploadFileStream: multipart (channel_id first, then files, client_ids one per file), or one file
  // as the raw body with channel_id and filename in the query.
  router.add("POST", "/api/v4/files", "UploadFile", (ctx) => {
    ctx.me();
    const contentType = ctx.req.headers["content-type"] ?? "";
    const infos: FileRecord["info"][] = [];
    const clientIds: string[] = [];
    if (!/^multipart\/form-data/i.test(contentType)) {
      const channel = uploadChannel(ctx, ctx.query.get("channel_id") ?? undefined);
      const name = ctx.query.get("filename");
      if (!name) throw Errors.invalidUrlParam("filename");
      infos.push(save(ctx, channel, name, ctx.body, contentType || undefined));
      const clientId = ctx.query.get("client_id");
      if (clientId) clientIds.push(clientId);
    } else {
      let channel: ChannelRecord | undefined;
      for (const part of parseMultipart(ctx.body, contentType)) {
        if (part.filename === undefined) {
          if (part.name === "channel_id") channel = uploadChannel(ctx, part.data.toString("utf8"));
          else if (part.name === "client_ids") clientIds.push(part.data.toString("utf8"));
          else throw Errors.invalidBodyParam(part.name);
          continue;
        }
        // The server reads parts as they stream in: a file before channel_id has no channel to go to.
        if (!channel) throw Errors.noChannelId("channelId=");
        infos.push(save(ctx, channel, part.filename, part.data, part.contentType));
      }
      if (infos.length === 0) throw Errors.invalidBodyParam("files");
    }
    if (clientIds.length > 0 && clientIds.length !== infos.length) throw Errors.clientIdsMismatch();
    // model.FileUploadResponse (file.go): both slices always written.
    return { status: 201, json: { file_infos: infos.map(fileInfoJson), client_ids: clientIds } };
  });

  const fileParam = (ctx: Context): FileRecord => {
    const id = ctx.params.file_id;
    if (!isValidId(id)) throw Errors.invalidUrlParam("file_id");
    const file = store.files.get(id);
    if (file?.info.delete_at !== 0) throw Errors.fileMissing();
    const me = ctx.me();
    if (file.info.user_id !== me.id) {
      const channel = store.channels.get(file.info.channel_id);
      if (!channel) throw Errors.fileMissing();
      requireChannelAccess(ctx, env, channel);
    }
    return file;
  };

  const download = (file: FileRecord) => ({
    bytes: file.bytes,
    contentType: file.info.mime_type,
    headers: { "Content-Disposition": `attachment;filename="${file.info.name.replace(/"/g, "")}"` },
  });

  router.add("GET", "/api/v4/files/{file_id}", "GetFile", (ctx) => download(fileParam(ctx)));
  router.add("GET", "/api/v4/files/{file_id}/info", "GetFileInfo", (ctx) => ({
    json: fileInfoJson(fileParam(ctx).info),
  }));
  // The real server stores a resized JPEG; the fake answers the image itself (see the README's limits).
  for (const [kind, operationId, missing] of [
    ["thumbnail", "GetFileThumbnail", Errors.noThumbnail],
    ["preview", "GetFilePreview", Errors.noPreview],
  ] as const) {
    router.add("GET", `/api/v4/files/{file_id}/${kind}`, operationId, (ctx) => {
      const file = fileParam(ctx);
      if (!file.info.has_preview_image) throw missing(`file_id=${file.info.id}`);
      return { bytes: file.bytes, contentType: file.info.mime_type };
    });
  }

  router.add("GET", "/api/v4/plugins", "GetPlugins", (ctx) => {
    if (!isAdmin(ctx.me())) throw Errors.permissions("manage_system");
    return { json: env.plugins };
  });

  router.add("GET", "/api/v4/system/ping", "GetPing", () => ({
    json: { status: "OK", ActiveSearchBackend: "database", AndroidLatestVersion: "", IosLatestVersion: "" },
  }));
}
