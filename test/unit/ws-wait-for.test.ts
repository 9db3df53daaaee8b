/** waitForEvent: the next event of a name, bounded by a timeout, a signal and the stream's end. */
import { describe, expect, it } from "vitest";
import { MatterapiError, UsageError } from "../../src/index.js";
import { waitForEvent } from "../../src/ws/waiters.js";

/** A stand-in stream: listeners by name, and a way to fire them. */
function stream() {
  const listeners = new Map<string, Set<(value: never) => unknown>>();
  return {
    on(name: string, handler: (value: never) => unknown) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(handler);
    },
    off(name: string, handler: (value: never) => unknown) {
      listeners.get(name)?.delete(handler);
    },
    fire(name: string, value: unknown) {
      for (const handler of listeners.get(name) ?? []) (handler as (v: unknown) => unknown)(value);
    },
    count: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  };
}

const posted = (message: string) => ({ event: "posted", data: { post: { message } }, broadcast: {} });

describe("waitForEvent", () => {
  it("resolves with the first event of the name that passes the filter, and lets go of its listeners", async () => {
    const ws = stream();
    const wait = waitForEvent(ws, "posted", { filter: (e) => e.data.post.message === "b" });
    ws.fire("typing", { event: "typing" });
    ws.fire("posted", posted("a"));
    ws.fire("posted", posted("b"));
    expect((await wait).data.post.message).toBe("b");
    expect(ws.count()).toBe(0);
  });

  it("rejects when the timeout passes, naming the event", async () => {
    const ws = stream();
    await expect(waitForEvent(ws, "typing", { timeout: 20 })).rejects.toThrow(/no typing event came within 20 ms/);
    expect(ws.count()).toBe(0);
  });

  it("rejects when the stream closes first, when the signal aborts, and when the filter throws", async () => {
    const ws = stream();
    const closing = waitForEvent(ws, "posted");
    ws.fire("statechange", "reconnecting");
    ws.fire("statechange", "closed");
    await expect(closing).rejects.toThrow(MatterapiError);

    const controller = new AbortController();
    const aborted = waitForEvent(ws, "posted", { signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");

    const throwing = waitForEvent(ws, "posted", {
      filter: () => {
        throw new Error("bad filter");
      },
    });
    ws.fire("posted", posted("x"));
    await expect(throwing).rejects.toThrow("bad filter");
    expect(ws.count()).toBe(0);
  });

  it("refuses lifecycle names and a timeout that is not a positive number", async () => {
    const ws = stream();
    await expect(waitForEvent(ws, "error" as string)).rejects.toThrow(UsageError);
    await expect(waitForEvent(ws, "posted", { timeout: 0 })).rejects.toThrow(/timeout/);
    expect(ws.count()).toBe(0);
  });
});
