/**
 * Byte streams both ways between web ReadableStreams and async iterables, with backpressure: a web stream built
 * here reads its source only as its consumer pulls, and cancelling it, like stopping an iteration early, releases
 * the source.
 */

/** The chunks of a web stream, as an async iterable (a stream's own async iterator is missing in some runtimes). */
export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  let settled = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        settled = true;
        return;
      }
      yield value;
    }
  } catch (error) {
    settled = true; // a failed stream needs no cancelling
    throw error;
  } finally {
    if (!settled) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

export interface WebStreamOptions {
  /** What a failure of the source becomes (default: itself). */
  mapError?: (error: unknown) => unknown;
  /** Runs once when the stream is over: read to the end, failed or cancelled. */
  finish?: () => void;
}

/** A web ReadableStream of an async iterable's chunks. */
export function webStreamOf(
  source: AsyncIterable<Uint8Array>,
  options: WebStreamOptions = {},
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let over = false;
  const finish = () => {
    if (over) return;
    over = true;
    options.finish?.();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        finish();
        controller.error(options.mapError ? options.mapError(error) : error);
        return;
      }
      if (next.done) {
        finish();
        controller.close();
      } else controller.enqueue(next.value);
    },
    async cancel() {
      finish();
      await iterator.return?.();
    },
  });
}
