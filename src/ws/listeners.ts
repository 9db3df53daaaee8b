/**
 * The stream's listeners: the server's events by name (and `*`), and the lifecycle events apart, so that a server
 * event named `error` or `statechange` reaches only `*`. Both in Maps: no name is ever looked up on a prototype.
 * A handler that throws, or an async one that rejects, is reported to `error` and never goes further.
 */
import type { AnyServerEvent, ServerEvent } from "./events.js";
import { LIFECYCLE, type LifecycleEvents } from "./options.js";

export type Listener = (event: never) => unknown;

const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

export class Listeners {
  readonly #server = new Map<string, Set<Listener>>();
  readonly #lifecycle = new Map<string, Set<Listener>>();

  add(name: string, handler: Listener): void {
    const map = LIFECYCLE.has(name) ? this.#lifecycle : this.#server;
    let set = map.get(name);
    if (!set) {
      set = new Set();
      map.set(name, set);
    }
    set.add(handler);
  }

  remove(name: string, handler: Listener): void {
    (LIFECYCLE.has(name) ? this.#lifecycle : this.#server).get(name)?.delete(handler);
  }

  /** Calls the event's own listeners, then the `*` ones. */
  dispatch(event: ServerEvent | AnyServerEvent): void {
    const named = this.#server.get(event.event);
    if (named) this.#call(named, event);
    const all = this.#server.get("*");
    if (all) this.#call(all, event);
  }

  /**
   * dispatch(), resolving when every listener's promise settled: true when none threw or rejected (a failure is
   * reported to `error`, as always).
   */
  dispatchAndWait(event: ServerEvent | AnyServerEvent): Promise<boolean> {
    let ok = true;
    const failed = (e: Error) => {
      ok = false;
      this.emit("error", e);
    };
    const pending: PromiseLike<unknown>[] = [];
    const named = this.#server.get(event.event);
    if (named) this.#call(named, event, failed, pending);
    const all = this.#server.get("*");
    if (all) this.#call(all, event, failed, pending);
    return pending.length === 0 ? Promise.resolve(ok) : Promise.all(pending).then(() => ok);
  }

  emit<K extends keyof LifecycleEvents>(name: K, value: Parameters<LifecycleEvents[K]>[0]): void {
    const set = this.#lifecycle.get(name);
    // A failing `error` listener is dropped silently (nowhere left to report it); the others report to `error`.
    if (set) this.#call(set, value, name === "error" ? () => {} : undefined);
  }

  #call(
    handlers: Set<Listener>,
    value: unknown,
    onFailure = (e: Error) => this.emit("error", e),
    pending?: PromiseLike<unknown>[],
  ): void {
    for (const handler of handlers) {
      try {
        const result = (handler as (v: unknown) => unknown)(value);
        if (result !== null && typeof result === "object" && typeof (result as Promise<unknown>).then === "function") {
          const settled = (result as Promise<unknown>).then(undefined, (e: unknown) => onFailure(toError(e)));
          pending?.push(settled);
        }
      } catch (error) {
        onFailure(toError(error));
      }
    }
  }
}
