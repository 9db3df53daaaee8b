/**
 * Uploads files (from disk, bytes or streams) and posts them in one message.
 *
 *   npm run example:upload-files -- a.png b.pdf     (the fake server; or MM_URL, MM_TOKEN and MM_CHANNEL_ID)
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { AsyncClient, fromPath, type Post, type Uploadable } from "matterapi";
import { exampleChannel, isMain, target } from "./target.js";

/** Uploads the files to the channel and posts them with a message; returns the post. */
export async function postFiles(
  client: AsyncClient,
  channelId: string,
  files: Record<string, Uploadable>,
  message = "Here are the files",
): Promise<Post> {
  const upload = await client.files.uploadFile({ channel_id: channelId, files });
  const fileIds = (upload.file_infos ?? []).map((info) => info.id);
  return client.posts.createPost({ channel_id: channelId, message, file_ids: fileIds });
}

if (isMain(import.meta.url)) {
  const where = await target();
  const client = new AsyncClient({ url: where.url, auth: where.token ?? where.password, ...where.options });
  try {
    const channelId = await exampleChannel(client);
    const paths = process.argv.slice(2);
    const files: Record<string, Uploadable> = paths.length
      ? Object.fromEntries(paths.map((p, i) => [basename(p), i % 2 ? createReadStream(p) : fromPath(p)]))
      : { "hello.txt": Buffer.from("Hello from matterapi\n") };
    const post = await postFiles(client, channelId, files);
    console.log(`posted ${post.file_ids?.length ?? 0} file(s) in ${channelId}: post ${post.id}`);
  } finally {
    await client.close();
    await where.close();
  }
}
