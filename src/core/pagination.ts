/**
 * Iterators over paged list operations. Page-numbered lists are walked with page = 0, 1, 2 ... until a short
 * or empty page; cursor lists follow the cursor the overlay names. Pages are fetched one at a time, as you iterate.
 */
import type { ApiPromise, RequestOptions } from "./api-promise.js";
import type { ClientCore, Endpoint } from "./client-core.js";
import { MatterapiError, UsageError } from "./errors.js";

export type Pager =
  | { kind: "page"; items?: string; postList?: boolean }
  | {
      kind: "cursor";
      /** Query parameter that carries the cursor. */
      param: string;
      /** A response field holding the next cursor, or "last:<field>" of the last item. */
      next: string;
      also?: { param: string; from: string };
      nextBySort?: { param: string; fields: Record<string, string>; default: string };
      items?: string;
      postList?: boolean;
    };

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
): AsyncIterableIterator<T> {
  if (query !== undefined && (typeof query !== "object" || query === null || Array.isArray(query))) {
    throw new UsageError(`${ep.id}: query parameters must be an object`);
  }
  const q: Record<string, unknown> = { ...query };
  const fetchPage = (params: Record<string, unknown>) =>
    core.call<ApiPromise<unknown>>(ep, path, undefined, { ...params }, options);

  if (pager.kind === "page") {
    const perPage = q.per_page === undefined ? DEFAULT_PER_PAGE : Number(q.per_page);
    if (!Number.isInteger(perPage) || perPage <= 0)
      throw new UsageError(`${ep.id}: per_page must be a positive integer`);
    q.per_page = perPage;
    let page = q.page === undefined ? 0 : Number(q.page);
    let previousFirst: string | undefined;
    for (;;) {
      q.page = page;
      const items = itemsOf<T>(await fetchPage(q), pager, ep);
      if (items.length === 0) return;
      // A server that ignores `page` would send the same page forever; stop instead.
      const first = JSON.stringify(items[0]);
      if (first === previousFirst) return;
      previousFirst = first;
      yield* items;
      if (items.length < Math.min(perPage, SERVER_MAX_PER_PAGE)) return;
      page++;
    }
  }

  const seen = new Set<string>();
  for (;;) {
    const data = await fetchPage(q);
    const items = itemsOf<T>(data, pager, ep);
    yield* items;
    let cursor: unknown;
    const last = items[items.length - 1] as Record<string, unknown> | undefined;
    if (pager.nextBySort) {
      const sort = String(q[pager.nextBySort.param] ?? pager.nextBySort.default);
      const field = pager.nextBySort.fields[sort];
      if (!field) throw new UsageError(`${ep.id}: cannot page when sorting by ${sort}`);
      cursor = last?.[field];
    } else if (pager.next.startsWith("last:")) cursor = last?.[pager.next.slice(5)];
    else cursor = (data as Record<string, unknown> | undefined)?.[pager.next];
    if (items.length === 0 || cursor === undefined || cursor === null || cursor === "") return;
    const key = JSON.stringify(cursor);
    if (seen.has(key)) return;
    seen.add(key);
    q[pager.param] = cursor;
    if (pager.also && last) q[pager.also.param] = last[pager.also.from];
  }
}

function itemsOf<T>(data: unknown, pager: Pager, ep: Endpoint): T[] {
  if (pager.postList) {
    const list = data as { order?: string[]; posts?: Record<string, T> } | undefined;
    return (list?.order ?? []).map((id) => list?.posts?.[id]).filter((p): p is T => p !== undefined);
  }
  const items = pager.items ? (data as Record<string, unknown> | undefined)?.[pager.items] : data;
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items))
    throw new MatterapiError(`${ep.id}: expected a list of items to page through, got ${typeof items}`);
  return items as T[];
}
