/**
 * The stream's listeners: the server's events by name (and `*`), and the lifecycle events apart, so that a server
 * event named `error` or `statechange` reaches only `*`. In a Map: no name is ever looked up on a prototype.
 * A handler that throws, or an async one that rejects, is reported to `error` and never goes further.
 */
import { toError } from "./errors.js";
import type { AnyServerEvent, ServerEvent } from "./events.js";
import { LIFECYCLE, type LifecycleEvents } from "./options.js";

export type Listener = (event: never) => unknown;

export class Listeners {
  /**
   * Handlers by name, in one Map: the server's events under their names, the lifecycle events under "\0" + name.
   * Lists are replaced, never changed in place, so a handler added or removed during a dispatch takes effect after it.
   */
  readonly #handlers = new Map<string, readonly Listener[]>();

  #key(name: string): string {
    return LIFECYCLE.has(name) ? `\0${name}` : name;
  }

  add(name: string, handler: Listener): void {
    const key = this.#key(name);
    const list = this.#handlers.get(key) ?? [];
    if (!list.includes(handler)) this.#handlers.set(key, [...list, handler]);
  }

  remove(name: string, handler: Listener): void {
    const key = this.#key(name);
    const list = this.#handlers.get(key);
    if (!list?.includes(handler)) return;
    const rest = list.filter((h) => h !== handler);
    if (rest.length > 0) this.#handlers.set(key, rest);
    else this.#handlers.delete(key);
  }

  /** Calls the event's own listeners, then the `*` ones. */
  dispatch(event: ServerEvent | AnyServerEvent): void {
    const named = this.#named(event.event);
    if (named) this.#call(named, event);
    const all = this.#handlers.get("*");
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
    const named = this.#named(event.event);
    if (named) this.#call(named, event, failed, pending);
    const all = this.#handlers.get("*");
    if (all) this.#call(all, event, failed, pending);
    return pending.length === 0 ? Promise.resolve(ok) : Promise.all(pending).then(() => ok);
  }

  /** A server event's own listeners; a name that starts with NUL is a lifecycle key and never reaches them. */
  #named(name: string): readonly Listener[] | undefined {
    return name.startsWith("\0") ? undefined : this.#handlers.get(name);
  }

  emit<K extends keyof LifecycleEvents>(name: K, value: Parameters<LifecycleEvents[K]>[0]): void {
    const list = this.#handlers.get(`\0${name}`);
    // A failing `error` listener is dropped silently (nowhere left to report it); the others report to `error`.
    if (list) this.#call(list, value, name === "error" ? () => {} : undefined);
  }

  #call(
    handlers: readonly Listener[],
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
