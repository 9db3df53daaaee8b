/** Routes of the fake server: method + path template, each tagged with the spec's operationId. */
import type { IncomingMessage } from "node:http";
import type { SessionRecord, UserRecord } from "./store.js";

export interface Reply {
  status?: number;
  json?: unknown;
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Context {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: Buffer;
  requestId: string;
  /** The session of the request's token, when it has a valid one. */
  session: SessionRecord | undefined;
  /** The user of the session; throws the server's 401 when there is none. */
  me(): UserRecord;
  /** The body as JSON (throws the server's 400 naming `what` when it is not). */
  json<T>(what?: string): T;
}

export type Handler = (ctx: Context) => Reply | Promise<Reply>;

interface Route {
  method: string;
  segments: string[];
  operationId: string;
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, template: string, operationId: string, handler: Handler): void {
    this.#routes.push({ method, segments: template.split("/").slice(1), operationId, handler });
  }

  operationIds(): Set<string> {
    return new Set(this.#routes.map((r) => r.operationId));
  }

  /** The best route: literal segments win over parameters, left to right (as Mattermost's gorilla router does). */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split("/").slice(1);
    let best: { route: Route; params: Record<string, string>; score: string } | undefined;
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = "";
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const segment = route.segments[i];
        if (segment.startsWith("{")) {
          params[segment.slice(1, -1)] = decodeURIComponent(parts[i]);
          score += "1";
        } else if (segment === parts[i]) score += "0";
        else ok = false;
      }
      if (ok && (!best || score < best.score)) best = { route, params, score };
    }
    return best && { route: best.route, params: best.params };
  }
}

/** Matches a path against the spec's templates, to name the operation a request meant. */
export function matchTemplate(template: string, path: string): boolean {
  const a = template.split("/");
  const b = path.split("/");
  return a.length === b.length && a.every((segment, i) => segment.startsWith("{") || segment === b[i]);
}
