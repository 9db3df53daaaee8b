/**
 * LIM: 2,000 calls at once share a capped pool per origin instead of opening 2,000 sockets (which fails with
 * EMFILE under a common `ulimit -n`): the undici Agent's `connections`, and a queue in the fetch transport.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AsyncClient, DEFAULTS, UsageError } from "../../src/index.js";
import { type LimitServer, slowOk, startLimitServer } from "./helpers/limit-servers.js";

let server: LimitServer | undefined;
let client: AsyncClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

describe.each(["undici", "fetch"] as const)("%s transport", (transport) => {
  it(`2,000 concurrent calls use at most maxConnections (default ${DEFAULTS.maxConnections}) sockets, all succeed`, async () => {
    server = await startLimitServer(slowOk(5));
    client = new AsyncClient({ url: server.url, auth: { token: "t" }, transport, maxRetries: 0 });
    const c = client;
    const results = await Promise.allSettled(Array.from({ length: 2_000 }, () => c.system.getPing()));
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    expect(server.requests).toBe(2_000);
    expect(server.maxOpen).toBeLessThanOrEqual(DEFAULTS.maxConnections);
    expect(server.maxOpen).toBeGreaterThan(1);
  }, 60_000);

  it("a small maxConnections queues calls instead of failing them", async () => {
    server = await startLimitServer(slowOk(5));
    client = new AsyncClient({ url: server.url, auth: { token: "t" }, transport, maxConnections: 4, maxRetries: 0 });
    const c = client;
    const results = await Promise.all(Array.from({ length: 200 }, () => c.system.getPing()));
    expect(results).toHaveLength(200);
    expect(server.maxOpen).toBeLessThanOrEqual(4);
  });
});

it("maxConnections must be a positive integer (Infinity: no cap)", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, "8"]) {
    expect(() => new AsyncClient({ url: "http://127.0.0.1:1", maxConnections: bad as number })).toThrow(UsageError);
  }
  expect(() => new AsyncClient({ url: "http://127.0.0.1:1", maxConnections: Number.POSITIVE_INFINITY })).not.toThrow();
});
