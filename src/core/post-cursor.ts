/**
 * Walking a channel's posts newest first by post id (`before=<id>`) instead of by page number, so that posts made
 * while the walk runs neither come twice (a page number shifts as new posts push older ones down) nor push older
 * ones out of reach.
 *
 * The server's `before` keeps the posts whose CreateAt is strictly older than the cursor post's
 * (server/channels/store/sqlstore/post_store.go getPostsAround, commit 0000f1d00fb6283ee87624c5b91e7ea4ab37206b), so
 * a cursor at the page's oldest post would skip the other posts of its millisecond that did not fit on the page. The
 * cursor is therefore the oldest post of the page from a newer millisecond than the page's oldest: the next page
 * starts again with the whole oldest millisecond, and the posts of it already yielded are dropped by id. A page made
 * of one millisecond only is asked for again with a larger `per_page`, up to the server's 200.
 */
import { MatterapiError, UsageError } from "./errors.js";

/** The server's largest per_page (server/channels/web/params.go PerPageMaximum, commit 022fa192e776). */
export const POST_PAGE_MAX = 200;

/** What the walk reads of a post. */
export interface PostStamp {
  id: string;
  create_at: number;
}

/** Where the next page starts: a post id, or "grow" when the whole page is one millisecond. */
export type NextPostCursor = { before: string; oldest: number } | { grow: true; oldest: number };

/**
 * The cursor after a page (newest first): the oldest post whose create_at is above the page's smallest, and that
 * smallest millisecond (whose posts the next page brings again).
 */
export function nextPostCursor(page: readonly PostStamp[]): NextPostCursor {
  let oldest = Number.POSITIVE_INFINITY;
  for (const post of page) oldest = Math.min(oldest, post.create_at);
  let next: PostStamp | undefined;
  for (const post of page) if (post.create_at > oldest && (!next || post.create_at < next.create_at)) next = post;
  return next ? { before: next.id, oldest } : { grow: true, oldest };
}

/** A page's posts in `order`, each checked to carry what the cursor needs. */
function stampsOf(list: unknown, what: string): PostStamp[] {
  const order = (list as { order?: unknown } | undefined)?.order;
  const posts = (list as { posts?: unknown } | undefined)?.posts;
  if (!Array.isArray(order)) throw new MatterapiError(`${what}: the answer has no \`order\` list of post ids`);
  const found: PostStamp[] = [];
  for (const id of order) {
    const post =
      typeof id === "string" && posts !== null && typeof posts === "object" && Object.hasOwn(posts, id)
        ? (posts as Record<string, unknown>)[id]
        : undefined;
    if (post === undefined) continue; // an id the map lacks: nothing to yield (as the page-number walk did)
    const stamp = post as Partial<PostStamp> | null;
    if (typeof stamp?.id !== "string" || typeof stamp.create_at !== "number" || !Number.isFinite(stamp.create_at))
      throw new MatterapiError(`${what}: post ${JSON.stringify(id)} has no id or numeric create_at to page by`);
    found.push(post as PostStamp);
  }
  return found;
}

/**
 * Every post of a channel, newest first, each once: pages asked for with `fetchPage(query)` from `query` (the
 * caller's, with `per_page` set), then `before` the cursor.
 */
export async function* walkPostsBefore(
  what: string,
  query: Record<string, unknown>,
  perPage: number,
  fetchPage: (query: Record<string, unknown>) => PromiseLike<unknown>,
): AsyncGenerator<PostStamp> {
  for (const name of ["after", "since"] as const)
    if (query[name] !== undefined)
      throw new UsageError(
        `${what}: the iterator walks from newest to oldest by \`before\`; for \`${name}\` call the operation itself`,
      );
  const q: Record<string, unknown> = { ...query };
  let size = Math.min(perPage, POST_PAGE_MAX);
  q.per_page = size;
  /** The ids yielded from the oldest millisecond of the last page, which the next page brings again. */
  let boundary = new Set<string>();
  let lastCursorTime = Number.POSITIVE_INFINITY;
  for (;;) {
    const page = stampsOf(await fetchPage({ ...q }), what);
    for (const post of page) if (!boundary.has(post.id)) yield post;
    if (page.length < size) return; // the channel's oldest post
    const next = nextPostCursor(page);
    boundary = new Set(page.filter((p) => p.create_at === next.oldest).map((p) => p.id));
    if ("grow" in next) {
      if (size >= POST_PAGE_MAX)
        throw new MatterapiError(
          `${what}: more than ${POST_PAGE_MAX} posts share the millisecond ${next.oldest}; the server's \`before\` ` +
            `cursor cannot page past them (it compares create_at strictly and answers at most ${POST_PAGE_MAX} posts)`,
        );
      size = POST_PAGE_MAX;
      q.per_page = size;
      continue; // the same page again, larger
    }
    const cursorTime = page.find((p) => p.id === next.before)?.create_at ?? next.oldest;
    if (!(cursorTime < lastCursorTime))
      throw new MatterapiError(
        `${what}: the server answered before=${next.before} with posts no older than that post: it does not honour \`before\``,
      );
    lastCursorTime = cursorTime;
    delete q.page; // the offset would apply after the cursor too
    q.before = next.before;
  }
}
