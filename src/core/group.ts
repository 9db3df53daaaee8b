/**
 * Builds a group (`client.users`, `client.posts`, ...) from its generated endpoint table. The generated modules
 * hold data and types only; the methods are made here, once per group per client, on first use. That keeps
 * `import "matterapi"` cheap (no 512 method bodies to load) while every method stays typed and documented
 * through the generated interfaces.
 */
import type { RequestOptions } from "./api-promise.js";
import type { ClientCore, Endpoint } from "./client-core.js";
import { type Pager, paginate } from "./pagination.js";

/** An iterator method: pages through the operation `iterate` of the same group. */
export interface IteratorEntry {
  readonly iterate: string;
  readonly pager: Pager;
}

export type GroupTable = Readonly<Record<string, Endpoint | IteratorEntry>>;

type Method = (...args: unknown[]) => unknown;

interface Layout {
  paths: number;
  body: number;
  query: number;
  options: number;
}

const layouts = new WeakMap<Endpoint, Layout>();

/** Positions of a method's arguments: path parameters first, then body, query and options when present. */
function layout(ep: Endpoint): Layout {
  let found = layouts.get(ep);
  if (!found) {
    const paths = ep.path.split("{").length - 1;
    let next = paths;
    const body = ep.body ? next++ : -1;
    const query = ep.query ? next++ : -1;
    found = { paths, body, query, options: next };
    layouts.set(ep, found);
  }
  return found;
}

export interface CallArguments {
  path: (string | number)[] | undefined;
  body: unknown;
  query: Record<string, unknown> | undefined;
  options: RequestOptions | undefined;
}

/** Splits a generated method's arguments by the endpoint's layout. */
export function splitArguments(ep: Endpoint, args: readonly unknown[]): CallArguments {
  const { paths, body, query, options } = layout(ep);
  return {
    path: paths > 0 ? (args.slice(0, paths) as (string | number)[]) : undefined,
    body: body >= 0 ? args[body] : undefined,
    query: query >= 0 ? (args[query] as Record<string, unknown> | undefined) : undefined,
    options: args[options] as RequestOptions | undefined,
  };
}

/** Runs one operation on a core with a method's arguments (shared by client methods and matterapi/operations). */
export function callOperation(core: ClientCore, ep: Endpoint, args: readonly unknown[]): unknown {
  const { path, body, query, options } = splitArguments(ep, args);
  return core.call(ep, path, body, query, options);
}

function operationMethod(core: ClientCore, ep: Endpoint): Method {
  return (...args: unknown[]) => callOperation(core, ep, args);
}

/** An iterator over the operation `ep` as a function of a core and a method's arguments. */
export type IteratorCall = (core: ClientCore, args: readonly unknown[]) => unknown;

export function iteratorCall(ep: Endpoint, pager: Pager): IteratorCall {
  if (pager.kind === "cursor" && pager.in === "body") {
    // The cursor travels in the body: the iterator takes the operation's own arguments.
    return (core, args) => {
      const { path, body, query, options } = splitArguments(ep, args);
      return paginate(core, ep, path, query, options, pager, body);
    };
  }
  const { paths, query } = layout(ep);
  // An iterator takes the same arguments minus the body: path parameters, query, options.
  const queryAt = query >= 0 ? paths : -1;
  const optionsAt = query >= 0 ? paths + 1 : paths;
  return (core, args) =>
    paginate(
      core,
      ep,
      paths > 0 ? (args.slice(0, paths) as (string | number)[]) : undefined,
      queryAt >= 0 ? (args[queryAt] as Record<string, unknown> | undefined) : undefined,
      args[optionsAt] as RequestOptions | undefined,
      pager,
    );
}

function iteratorMethod(core: ClientCore, ep: Endpoint, pager: Pager): Method {
  const call = iteratorCall(ep, pager);
  return (...args: unknown[]) => call(core, args);
}

export function buildGroup(core: ClientCore, table: GroupTable): Record<string, Method> {
  const group: Record<string, Method> = {};
  for (const [name, entry] of Object.entries(table)) {
    if ("iterate" in entry) {
      const target = table[entry.iterate];
      if (!target || "iterate" in target) throw new Error(`matterapi: iterator ${name} names no operation`);
      group[name] = iteratorMethod(core, target, entry.pager);
    } else {
      group[name] = operationMethod(core, entry);
    }
  }
  return group;
}
