/**
 * Limits the transports share: the size of an answer read whole, the wait between chunks of a body (fetch has no
 * timer of its own for it), and the number of requests in flight per origin (fetch; undici's Agent has its own).
 * Runtime-neutral: no Node import here, the fetch transport runs in browsers too.
 */
import { clampTimer } from "../retry.js";
import { TransportError } from "../transport.js";

export function tooLarge(limit: number): TransportError {
  return new TransportError("too-large", `the answer is over ${limit} bytes`);
}

/** A declared Content-Length over the limit fails before a byte is read. */
export function declaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  return contentLength !== undefined && contentLength !== null && Number(contentLength) > limit;
}

/**
 * Fires `onIdle` when a read has waited `ms` for the next chunk. Per chunk the reader only stamps `last`: one timer
 * per body, re-armed for the time left, instead of a timer per chunk.
 */
export class IdleWatch {
  last = 0;
  waiting = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #ms: number;
  readonly #onIdle: () => void;

  constructor(ms: number, onIdle: () => void) {
    this.#ms = ms;
    this.#onIdle = onIdle;
  }

  /** A read starts waiting for data. */
  begin(): void {
    this.waiting = true;
    this.last = Date.now();
    if (this.#timer === undefined && this.#ms > 0) this.#arm(this.#ms);
  }

  /** The reader has its chunk: time spent by the consumer is not the server's. */
  end(): void {
    this.waiting = false;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.waiting = false;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#check, clampTimer(ms));
    // Only a pending read keeps the process alive (through its socket); the watch never does on its own.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  readonly #check = (): void => {
    if (!this.waiting) {
      this.#arm(this.#ms);
      return;
    }
    const idle = Date.now() - this.last;
    if (idle >= this.#ms) {
      this.#timer = undefined;
      this.#onIdle();
    } else this.#arm(this.#ms - idle);
  };
}

/** Reads a web byte stream whole, failing past `limit` bytes (the stream is cancelled: the connection dropped). */
export async function readAllLimited(
  body: ReadableStream<Uint8Array>,
  limit: number,
  watch: IdleWatch | undefined,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  watch?.begin();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
      if (watch) watch.last = Date.now();
    }
  } finally {
    watch?.stop();
    reader.releaseLock();
  }
  return concat(chunks, size);
}

export function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The chunks of a body with the idle watch running while the consumer waits for each. */
export async function* watchedChunks(source: AsyncIterable<Uint8Array>, watch: IdleWatch): AsyncIterable<Uint8Array> {
  try {
    watch.begin();
    for await (const chunk of source) {
      watch.end();
      yield chunk;
      watch.begin();
    }
  } finally {
    watch.stop();
  }
}

/**
 * At most `limit` requests in flight per origin; the others wait their turn in order (a queue, never a failure).
 * A slot is handed straight to the next in line when one is left.
 */
export class OriginGates {
  readonly #limit: number;
  readonly #gates = new Map<string, { active: number; queue: (() => void)[] }>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Takes a slot for the URL's origin: undefined when one was free, else a promise (rejected if `signal` aborts). */
  enter(url: string, signal: AbortSignal): { leave: () => void; ready: Promise<void> | undefined } {
    const origin = originOf(url);
    let gate = this.#gates.get(origin);
    if (!gate) {
      gate = { active: 0, queue: [] };
      this.#gates.set(origin, gate);
    }
    const g = gate;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      const next = g.queue.shift();
      if (next) next();
      else g.active--;
    };
    if (g.active < this.#limit) {
      g.active++;
      return { leave, ready: undefined };
    }
    const ready = new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        left = true; // never got a slot: nothing to give back
        const i = g.queue.indexOf(go);
        if (i >= 0) g.queue.splice(i, 1);
        reject(signal.reason);
      };
      g.queue.push(go);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    return { leave, ready };
  }
}

/** scheme://host:port of an absolute URL, without parsing it (this runs on every request). */
function originOf(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  return end < 0 ? url : url.slice(0, end);
}
