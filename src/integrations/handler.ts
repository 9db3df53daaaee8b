/**
 * The runtime-neutral shape of every integration endpoint: a function from a web `Request` to a `Response` (the
 * Fetch API's types, as Node 20+, Bun, Deno and edge runtimes have them), that refuses bad requests with a clear
 * 4xx, never lets an exception escape, reports its failures with secrets masked, and keeps track of the work it
 * left running (delayed answers), so that `settled()` can wait for it.
 */
import { redactError } from "../core/redact.js";
import { type BodyLimits, RequestRefused, textResponse } from "./incoming.js";

export interface HandlerOptions extends BodyLimits {
  /**
   * Told about failures: the handler threw, an answer did not pass its check, a delayed answer could not be sent.
   * Errors come with secrets (tokens, the signing secret) masked. Default: one line on console.error.
   */
  onError?: (error: unknown) => void;
}

/** An integration endpoint: `(request: Request) => Promise<Response>`, plus a way to wait for work it left running. */
export interface IntegrationHandler {
  (request: Request): Promise<Response>;
  /** Resolves when every delayed answer and deferred task started so far has finished (or failed). */
  settled(): Promise<void>;
}

/** Work a handler leaves running after it answered. */
export class PendingWork {
  readonly #running = new Set<Promise<unknown>>();
  readonly #limit: number;
  constructor(limit: number) {
    this.#limit = limit;
  }
  get size(): number {
    return this.#running.size;
  }
  /** Whether one more task may start (a bound, so that a flood of requests cannot pile up work without end). */
  get full(): boolean {
    return this.#running.size >= this.#limit;
  }
  track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => {},
      () => {},
    );
    this.#running.add(tracked);
    tracked.finally(() => this.#running.delete(tracked));
  }
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}

/** Reports an error through `onError`, with the given secrets masked in it. */
export function reporter(options: HandlerOptions, secrets: () => readonly string[]): (error: unknown) => void {
  return (error) => {
    const safe = error instanceof Error ? redactError(error, secrets()) : error;
    try {
      if (options.onError) options.onError(safe);
      else console.error(`matterapi/integrations: ${safe instanceof Error ? safe.message : String(safe)}`);
    } catch {
      // A failing error reporter must not take the endpoint down.
    }
  };
}

/**
 * Wraps a handler body: only the given methods, refusals as their status with a plain-text reason, any other
 * exception as a 500 that says nothing about the inside (and goes to `onError`).
 */
export function endpoint(
  methods: readonly string[],
  report: (error: unknown) => void,
  pending: PendingWork,
  run: (request: Request) => Promise<Response>,
): IntegrationHandler {
  const handler = async (request: Request): Promise<Response> => {
    try {
      if (!methods.includes(request.method)) {
        const refused = textResponse(405, `method ${request.method} is not allowed here`);
        refused.headers.set("allow", methods.join(", "));
        return refused;
      }
      return await run(request);
    } catch (error) {
      if (error instanceof RequestRefused) return textResponse(error.status, error.message);
      report(error);
      return textResponse(500, "the integration failed to handle the request");
    }
  };
  return Object.assign(handler, { settled: () => pending.settled() });
}

/**
 * Several endpoints behind one handler, by exact path (`{ "/command": ..., "/action": ... }`); other paths get 404.
 * Handy with one `node:http` server for a whole bot.
 */
export function integrationRouter(routes: Record<string, (request: Request) => Promise<Response>>): IntegrationHandler {
  const table = new Map(Object.entries(routes));
  const handler = async (request: Request): Promise<Response> => {
    let path: string;
    try {
      path = new URL(request.url).pathname;
    } catch {
      return textResponse(400, "the request URL cannot be parsed");
    }
    const route = table.get(path);
    return route ? route(request) : textResponse(404, `no integration endpoint at ${path.slice(0, 200)}`);
  };
  const settled = async () => {
    await Promise.all(
      [...table.values()].map((route) => (route as Partial<IntegrationHandler>).settled?.() ?? Promise.resolve()),
    );
  };
  return Object.assign(handler, { settled });
}

/** A promise that resolves after `ms` (a timer that does not keep the process alive). */
export function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
    (timer as { unref?: () => void }).unref?.();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
