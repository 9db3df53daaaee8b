/**
 * LIM: timers and waits. Values past what a timer holds (2^31-1 ms) mean "practically forever", never "at once";
 * bad values are refused at construction; Retry-After is read per RFC 9110 (garbage falls back to the backoff);
 * the client-wide 429 pause never makes a call wait past its own timeout, deadline or signal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { clampTimer, MAX_TIMER, sleep } from "../../src/core/retry.js";
import { parseHttpDate, retryAfterSeconds } from "../../src/core/retry-after.js";
import {
  AsyncClient,
  DeadlineExceededError,
  RequestAbortedError,
  TooManyRequests,
  UsageError,
} from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { type LimitServer, rateLimited, slowOk, startLimitServer } from "./helpers/limit-servers.js";

let server: LimitServer | undefined;
let client: AsyncClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

describe("option checks", () => {
  it("refuses negative, NaN and non-number waits and sizes, naming the option", () => {
    const url = "http://127.0.0.1:1";
    for (const option of ["timeout", "maxRetryDelay", "deadline"]) {
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "100"]) {
        expect(() => new AsyncClient({ url, [option]: bad })).toThrow(new RegExp(`option ${option} must be`));
      }
    }
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new AsyncClient({ url, maxResponseBytes: bad })).toThrow(UsageError);
    }
  });

  it("accepts huge values (clamped where a timer is set)", () => {
    const url = "http://127.0.0.1:1";
    expect(() => new AsyncClient({ url, timeout: 1e15, maxRetryDelay: 1e15, deadline: 1e15 })).not.toThrow();
    expect(clampTimer(3e9)).toBe(MAX_TIMER);
    expect(clampTimer(5)).toBe(5);
  });
});

describe.each(["undici", "fetch"] as const)("%s transport: huge timers", (transport) => {
  it("timeout 3e9 waits for the answer instead of failing at once", async () => {
    server = await startLimitServer(slowOk(100));
    client = new AsyncClient({ url: server.url, transport, timeout: 3e9, deadline: 3e9, maxRetries: 0 });
    expect(await client.system.getPing()).toEqual({ status: "OK" });
  });

  it("a Retry-After of 34 days with maxRetryDelay 1e12 waits (until aborted), never retries at once", async () => {
    server = await startLimitServer(rateLimited({ "retry-after": "3000000" }, 10));
    client = new AsyncClient({ url: server.url, transport, maxRetryDelay: 1e12, timeout: 0 });
    const started = Date.now();
    const error = await caught(client.system.getPing(undefined, { signal: AbortSignal.timeout(300) }));
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(300 + 1_000);
    expect(server.requests).toBe(1);
  });
});

it("sleep() with a delay past 2^31-1 ms waits instead of firing at once", async () => {
  const signal = AbortSignal.timeout(100);
  const started = Date.now();
  await expect(sleep(3e9, signal)).rejects.toBeDefined();
  expect(Date.now() - started).toBeGreaterThanOrEqual(90);
});

describe("Retry-After (RFC 9110 section 10.2.3)", () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  it("reads delay-seconds and the three HTTP-date forms", () => {
    expect(retryAfterSeconds({ "retry-after": "120" }, now)).toBe(120);
    expect(retryAfterSeconds({ "retry-after": " 0 " }, now)).toBe(0);
    expect(retryAfterSeconds({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, now)).toBe(30);
    expect(retryAfterSeconds({ "retry-after": "Thursday, 01-Jan-26 00:01:00 GMT" }, now)).toBe(60);
    expect(retryAfterSeconds({ "retry-after": "Thu Jan  1 00:00:10 2026" }, now)).toBe(10);
    // A date in the past: retry now.
    expect(retryAfterSeconds({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }, now)).toBe(0);
    expect(retryAfterSeconds({ "x-ratelimit-reset": "7" }, now)).toBe(7);
  });

  it("ignores negative, fractional, garbage and impossible values", () => {
    for (const bad of [
      "-1",
      "1.5",
      "NaN",
      "soon",
      "1e3",
      "0x10",
      "Infinity",
      "2026-01-01",
      "Mon, 31 Feb 2026 00:00:00 GMT",
    ]) {
      expect(retryAfterSeconds({ "retry-after": bad }, now), bad).toBeUndefined();
    }
    expect(parseHttpDate("Thu, 01 Jan 2026 25:00:00 GMT")).toBeUndefined();
    expect(retryAfterSeconds({ "x-ratelimit-reset": "-5" }, now)).toBeUndefined();
    // A bad Retry-After does not hide a good X-RateLimit-Reset.
    expect(retryAfterSeconds({ "retry-after": "-1", "x-ratelimit-reset": "2" }, now)).toBe(2);
  });

  for (const bad of ["-1", "garbage"]) {
    it(`Retry-After: ${bad} falls back to the backoff (not read as a date in 2001, not zero)`, async () => {
      server = await startLimitServer(rateLimited({ "retry-after": bad }, 1));
      client = new AsyncClient({ url: server.url, maxRetries: 1 });
      const started = Date.now();
      expect(await client.system.getPing()).toEqual({});
      // The first backoff is 0.5 s less up to 25% jitter.
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(server.requests).toBe(2);
    });
  }
});

describe("the client-wide 429 pause vs each call's own limits", () => {
  async function pausedClient(): Promise<{ c: AsyncClient; first: Promise<unknown>; stop: AbortController }> {
    server = await startLimitServer(rateLimited({ "retry-after": "5" }, 1));
    client = new AsyncClient({ url: server.url, maxRetries: 2 });
    const stop = new AbortController();
    // The first call gets the 429 and pauses the client for 5 s (it waits, until the test stops it).
    const first = client.system.getPing(undefined, { signal: stop.signal }).catch((e) => e);
    await expect.poll(() => server?.requests).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    return { c: client, first, stop };
  }

  it("a call whose timeout is shorter than the pause fails at once with TooManyRequests", async () => {
    const { c, first, stop } = await pausedClient();
    const started = Date.now();
    const error = await caught(c.system.getPing(undefined, { timeout: 300 }));
    expect(error).toBeInstanceOf(TooManyRequests);
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(5);
    expect(error.message).toContain("300 ms timeout");
    expect(Date.now() - started).toBeLessThan(300);
    expect(server?.requests).toBe(1);
    stop.abort();
    expect(await first).toBeInstanceOf(RequestAbortedError);
  });

  it("a call whose deadline ends before the pause fails at once", async () => {
    const { c, stop } = await pausedClient();
    const started = Date.now();
    const error = await caught(c.system.getPing(undefined, { timeout: 0, deadline: 1_000 }));
    expect(error).toBeInstanceOf(TooManyRequests);
    expect(error.message).toContain("deadline");
    expect(Date.now() - started).toBeLessThan(500);
    stop.abort();
  });

  it("a call without timeout waits the pause, and its signal ends the wait", async () => {
    const { c, stop } = await pausedClient();
    const started = Date.now();
    const error = await caught(c.system.getPing(undefined, { timeout: 0, signal: AbortSignal.timeout(200) }));
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(Date.now() - started).toBeLessThan(200 + 500);
    stop.abort();
  });

  it("a call's own 429 wait is bounded by maxRetryDelay and its deadline, not by its timeout", async () => {
    server = await startLimitServer(rateLimited({ "retry-after": "1" }, 1));
    client = new AsyncClient({ url: server.url, maxRetries: 1 });
    expect(await client.system.getPing(undefined, { timeout: 500 })).toEqual({});
    expect(server.requests).toBe(2);
    await server.close();
    server = await startLimitServer(rateLimited({ "retry-after": "5" }, 1));
    await client.close();
    client = new AsyncClient({ url: server.url, maxRetries: 1 });
    const started = Date.now();
    const error = await caught(client.system.getPing(undefined, { deadline: 400 }));
    expect(error).toBeInstanceOf(TooManyRequests);
    expect(Date.now() - started).toBeLessThan(400);
    expect(error).not.toBeInstanceOf(DeadlineExceededError);
  });
});
