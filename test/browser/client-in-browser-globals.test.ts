/**
 * The browser-only decisions of the client, in Node with a page's globals stubbed (window, location, document):
 * a fetch TypeError on a cross-origin call is a CorsError that is not retried, a same-origin one is a retried
 * ConnectionError; no User-Agent; cookie sessions send X-Requested-With, credentials "include" and X-CSRF-Token from
 * MMCSRF; and the cookie auth option is checked. The real browsers run the same paths in the other files here.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { AsyncClient, ConnectionError, CorsError, UsageError } from "../../src/portable.js";

const SERVER = "http://127.0.0.1:8065";

interface Seen {
  url: string;
  headers: Record<string, string>;
  credentials: string | undefined;
}

/** A fetch that records each call and fails like a browser refusing the answer (or answers `status`). */
function fakeFetch(status?: number) {
  const seen: Seen[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    seen.push({ url, headers: { ...(init.headers as Record<string, string>) }, credentials: init.credentials });
    if (status === undefined) throw new TypeError("Failed to fetch");
    return new Response(JSON.stringify({ id: "u1", username: "page" }), {
      status,
      headers: { "content-type": "application/json" },
    });
  };
  return { seen, fetch };
}

function onPage(origin: string, cookie = ""): void {
  vi.stubGlobal("window", {});
  vi.stubGlobal("location", { origin });
  vi.stubGlobal("document", { cookie });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a client on a page", () => {
  it("turns a refused cross-origin call into a CorsError naming the settings, and does not retry it", async () => {
    onPage("http://app.example");
    const { seen, fetch } = fakeFetch();
    const client = new AsyncClient({ url: SERVER, auth: { token: "t0ken" }, fetch, maxRetries: 2 });
    const error = await client.users.getUser("me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorsError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as CorsError).origin).toBe("http://app.example");
    expect((error as Error).message).toContain('AllowCorsFrom must list "http://app.example"');
    expect((error as Error).message).toContain("Token X-Request-Id X-Version-Id");
    expect((error as Error).message).not.toContain("t0ken");
    expect(seen).toHaveLength(1);
    await client.close();
  });

  it("keeps a same-origin failure a ConnectionError, retried as before", async () => {
    onPage(SERVER);
    const { seen, fetch } = fakeFetch();
    const client = new AsyncClient({ url: SERVER, auth: { token: "t0ken" }, fetch, maxRetries: 1 });
    const error = await client.users.getUser("me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(CorsError);
    expect(seen).toHaveLength(2);
    await client.close();
  });

  it("sends no User-Agent of its own on a page (workers: same-origin.test.ts)", async () => {
    onPage("http://app.example");
    const { seen, fetch } = fakeFetch(200);
    const client = new AsyncClient({ url: SERVER, auth: { token: "t0ken" }, fetch });
    await client.users.getUser("me");
    expect(Object.keys(seen[0].headers)).not.toContain("user-agent");
    await client.close();
  });

  it("a cookie session: no Authorization, X-Requested-With, credentials include, X-CSRF-Token on a POST only", async () => {
    onPage("http://app.example", "theme=dark; MMCSRF=abcdefghijklmnopqrstuvwxyz; MMUSERID=u1");
    const { seen, fetch } = fakeFetch(200);
    const client = new AsyncClient({ url: SERVER, auth: { cookie: true }, fetch, validation: "off" });
    expect(client.token).toBeUndefined();
    await client.users.getUser("me");
    await client.request("POST", "/api/v4/users/me/patch", { body: { nickname: "x" } });
    const [get, post] = seen;
    expect(get.headers.authorization).toBeUndefined();
    expect(get.headers["x-requested-with"]).toBe("XMLHttpRequest");
    expect(get.headers["x-csrf-token"]).toBeUndefined();
    expect(get.credentials).toBe("include");
    expect(post.headers["x-csrf-token"]).toBe("abcdefghijklmnopqrstuvwxyz");
    await client.close();
  });

  it("checks the cookie auth option", () => {
    expect(() => new AsyncClient({ url: SERVER, auth: { cookie: true, token: "x" } as never })).toThrow(UsageError);
    expect(() => new AsyncClient({ url: SERVER, auth: { cookie: "yes" } as never })).toThrow(/auth.cookie/);
    expect(
      () => new AsyncClient({ url: SERVER, auth: { loginId: "a", password: "b", cookie: true }, transport: "fetch" }),
    ).not.toThrow();
  });
});
