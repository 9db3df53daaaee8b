/**
 * Iterators over paged list operations. Page-numbered lists are walked with page = 0, 1, 2 ... until a short
 * or empty page; cursor lists follow the cursor the overlay names (in the query, or in the body); a channel's posts
 * are walked by post id (post-cursor.ts). Pages are fetched one at a time, as you iterate.
 */
import type { ApiPromise, RequestOptions } from "./api-promise.js";
import type { ClientCore, Endpoint } from "./client-core.js";
import { MatterapiError, UsageError } from "./errors.js";
import { walkPostsBefore } from "./post-cursor.js";

export type Pager =
  | { kind: "page"; items?: string; postList?: boolean }
  | {
      kind: "cursor";
      /** Where the cursor travels: the query (default) or the JSON body. */
      in?: "query" | "body";
      /** Query parameter (or body field) that carries the cursor. */
      param: string;
      /**
       * A response field (dot path) holding the next cursor, "last:<field>" of the last item, or "postCursor": a
       * PostList walked newest first by post id (`before`), the cursor chosen as post-cursor.ts explains.
       */
      next: string;
      also?: { param: string; from: string };
      nextBySort?: { param: string; fields: Record<string, string>; default: string };
      items?: string;
      /** The items come as a map by id: its values are the items. */
      map?: boolean;
      /** Each page's order, by the item field a request parameter names, in the direction another names. */
      sortItems?: { field: { param: string; default: string }; direction: { param: string; default: "asc" | "desc" } };
      postList?: boolean;
    };

/** The `next` of a cursor pager that walks a PostList by `before` (post-cursor.ts). */
export const POST_CURSOR = "postCursor";

/** Page size used when the query does not set per_page (the server caps it at 200). */
export const DEFAULT_PER_PAGE = 100;
const SERVER_MAX_PER_PAGE = 200;

export async function* paginate<T>(
  core: ClientCore,
  ep: Endpoint,
  path: readonly (string | number)[] | undefined,
  query: Record<string, unknown> | undefined,
  options: RequestOptions | undefined,
  pager: Pager,
  body?: unknown,
): AsyncIterableIterator<T> {
  if (query !== undefined && !isRecord(query)) throw new UsageError(`${ep.id}: query parameters must be an object`);
  const inBody = pager.kind === "cursor" && pager.in === "body";
  if (inBody && !isRecord(body)) throw new UsageError(`${ep.id}: the body must be an object`);
  const q: Record<string, unknown> = { ...query };
  const b: Record<string, unknown> | undefined = inBody ? { ...(body as Record<string, unknown>) } : undefined;
  const fetchPage = (params: Record<string, unknown>) =>
    core.call<ApiPromise<unknown>>(ep, path, b && { ...b }, { ...params }, options);

  if (pager.kind === "cursor" && pager.next === POST_CURSOR) {
    // The posts are yielded whole: PostStamp is only what the walk reads of them.
    yield* walkPostsBefore(ep.id, q, perPageOf(q, ep), fetchPage) as AsyncIterable<unknown> as AsyncIterable<T>;
    return;
  }

  if (pager.kind === "page") {
    const perPage = perPageOf(q, ep);
    q.per_page = perPage;
    let page = q.page === undefined ? 0 : Number(q.page);
    let previousFirst: string | undefined;
    // Posts made meanwhile push older ones down a page: those already yielded on the page before are dropped.
    let previousIds = new Set<string>();
    for (;;) {
      q.page = page;
      const items = itemsOf<T>(await fetchPage(q), pager, ep);
      if (items.length === 0) return;
      // A server that ignores `page` would send the same page forever; stop instead.
      const first = JSON.stringify(items[0]);
      if (first === previousFirst) return;
      previousFirst = first;
      if (pager.postList) {
        const ids = new Set<string>();
        for (const item of items) {
          const id = (item as { id?: unknown }).id;
          if (typeof id === "string") {
            ids.add(id);
            if (previousIds.has(id)) continue;
          }
          yield item;
        }
        previousIds = ids;
      } else yield* items;
      if (items.length < Math.min(perPage, SERVER_MAX_PER_PAGE)) return;
      page++;
    }
  }

  // The request fields the cursor goes into, and that name the sort.
  const request = b ?? q;
  const seen = new Set<string>();
  for (;;) {
    const data = await fetchPage(q);
    const items = itemsOf<T>(data, pager, ep);
    if (pager.sortItems) sortItems(items, pager.sortItems, request);
    yield* items;
    let cursor: unknown;
    const last = items[items.length - 1] as Record<string, unknown> | undefined;
    if (pager.nextBySort) {
      const sort = String(request[pager.nextBySort.param] ?? pager.nextBySort.default);
      const field = pager.nextBySort.fields[sort];
      if (!field) throw new UsageError(`${ep.id}: cannot page when sorting by ${sort}`);
      cursor = last?.[field];
    } else if (pager.next.startsWith("last:")) cursor = last?.[pager.next.slice(5)];
    else cursor = valueAt(data, pager.next);
    if (items.length === 0 || cursor === undefined || cursor === null || cursor === "") return;
    const key = JSON.stringify(cursor);
    if (seen.has(key)) return;
    seen.add(key);
    request[pager.param] = cursor;
    if (pager.also && last) request[pager.also.param] = last[pager.also.from];
  }
}

function perPageOf(query: Record<string, unknown>, ep: Endpoint): number {
  const perPage = query.per_page === undefined ? DEFAULT_PER_PAGE : Number(query.per_page);
  if (!Number.isInteger(perPage) || perPage <= 0) throw new UsageError(`${ep.id}: per_page must be a positive integer`);
  return perPage;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field of a response by dot path ("next_cursor.cursor"). */
function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const key of path.split(".")) value = isRecord(value) ? value[key] : undefined;
  return value;
}

/** Orders a page by the field the request names (then by id), ascending or descending as it says. */
function sortItems(
  items: unknown[],
  order: NonNullable<Extract<Pager, { kind: "cursor" }>["sortItems"]>,
  request: Record<string, unknown>,
): void {
  const field = String(request[order.field.param] ?? order.field.default);
  const sign = String(request[order.direction.param] ?? order.direction.default) === "desc" ? -1 : 1;
  const key = (item: unknown) => (isRecord(item) ? item : {});
  items.sort((x, y) => {
    const a = key(x);
    const b = key(y);
    const byField = Number(a[field] ?? 0) - Number(b[field] ?? 0);
    return sign * (byField || String(a.id ?? "").localeCompare(String(b.id ?? "")));
  });
}

function itemsOf<T>(data: unknown, pager: Pager, ep: Endpoint): T[] {
  if (pager.postList) {
    const list = data as { order?: string[]; posts?: Record<string, T> } | undefined;
    return (list?.order ?? []).map((id) => list?.posts?.[id]).filter((p): p is T => p !== undefined);
  }
  const field = pager.items ? (data as Record<string, unknown> | undefined)?.[pager.items] : data;
  if (field === undefined || field === null) return [];
  const items = pager.kind === "cursor" && pager.map && isRecord(field) ? Object.values(field) : field;
  if (!Array.isArray(items))
    throw new MatterapiError(`${ep.id}: expected a list of items to page through, got ${typeof items}`);
  return items as T[];
}
