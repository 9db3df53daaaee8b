/**
 * The queue an async iterator of the stream reads from.
 */
import type { AnyServerEvent } from "./events.js";

/** An async iterator fed by the stream: events queue up until read; ending lets readers drain what is queued. */
export class EventQueue implements AsyncIterator<AnyServerEvent> {
  readonly #items: AnyServerEvent[] = [];
  /**
   * Checkpoint mode: told when the reader is done with an event: handled (it asked for the next one, or stopped after
   * it) or not (the reader stopped before reading it).
   */
  readonly #done = new Map<AnyServerEvent, (handled: boolean) => void>();
  #inHand: ((handled: boolean) => void) | undefined;
  #head = 0;
  #waiting: ((r: IteratorResult<AnyServerEvent>) => void) | undefined;
  #failing: ((e: Error) => void) | undefined;
  #ended = false;
  #error: Error | undefined;

  constructor(private readonly onReturn: () => void) {}

  /** Queues an event; `done` (checkpoint mode) is called once the reader is done with it. */
  push(event: AnyServerEvent, done?: (handled: boolean) => void): void {
    if (this.#ended) {
      done?.(false);
      return;
    }
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      this.#failing = undefined;
      this.#inHand = done;
      waiting({ value: event, done: false });
      return;
    }
    this.#items.push(event);
    if (done) this.#done.set(event, done);
  }

  /** The reader moved on: the event it held is done with. */
  #release(): void {
    const done = this.#inHand;
    this.#inHand = undefined;
    done?.(true);
  }

  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    if (this.#waiting && this.#head >= this.#items.length) {
      const waiting = this.#waiting;
      const failing = this.#failing;
      this.#waiting = undefined;
      this.#failing = undefined;
      if (error) failing?.(error);
      else waiting({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<AnyServerEvent>> {
    this.#release();
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++] as AnyServerEvent;
      const done = this.#done.get(value);
      if (done) {
        this.#done.delete(value);
        this.#inHand = done;
      }
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended)
      return this.#error ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failing = reject;
    });
  }

  return(): Promise<IteratorResult<AnyServerEvent>> {
    this.#release();
    // Events never read are not handled: a reader that stops early does not acknowledge them.
    for (const done of this.#done.values()) done(false);
    this.#done.clear();
    this.#ended = true;
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }
}
