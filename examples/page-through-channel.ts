/**
 * Pages through every post of a channel, newest first, one page at a time, and counts them by author.
 *
 *   npm run example:page-through-channel        (the fake server; or MM_URL, MM_TOKEN and MM_CHANNEL_ID)
 */
import { AsyncClient } from "matterapi";
import { exampleChannel, isMain, target } from "./target.js";

/** Posts per author id, over every page of the channel. */
export async function postsByAuthor(
  client: AsyncClient,
  channelId: string,
  perPage = 100,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const post of client.posts.iterPostsForChannel(channelId, { per_page: perPage })) {
    counts.set(post.user_id, (counts.get(post.user_id) ?? 0) + 1);
  }
  return counts;
}

if (isMain(import.meta.url)) {
  const where = await target();
  const client = new AsyncClient({ url: where.url, auth: where.token ?? where.password, ...where.options });
  try {
    const channelId = await exampleChannel(client);
    if (where.fake) {
      // The fake server starts with a quiet town square: fill it so there is something to page through.
      for (let i = 0; i < 250; i++) await client.posts.createPost({ channel_id: channelId, message: `message ${i}` });
    }
    const counts = await postsByAuthor(client, channelId);
    for (const [author, count] of counts) {
      const user = await client.users.getUser(author);
      console.log(`@${user.username}: ${count} posts`);
    }
  } finally {
    await client.close();
    await where.close();
  }
}
