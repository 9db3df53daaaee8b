/**
 * Issue 10, requests: a path parameter is one segment. `.`, `..` and empty values are refused before anything is
 * sent (they would reach another route once URL parsing resolves them), a lone surrogate is a UsageError (not a raw
 * URIError), and `/ ? # %` are encoded. Also: a body the spec requires is never left out. Over real sockets on both
 * transports, and over every operation of the generated tables.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "../../src/core/client-core.js";
import type { IteratorEntry } from "../../src/core/group.js";
import { groupTables } from "../../src/generated/groups/index.js";
import { AsyncClient, UsageError } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { FakeTransport } from "../helpers/fake-transport.js";
import { startRecordingServer, type TestServer } from "./helpers/request-servers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());

describe.each(["undici", "fetch"] as const)("path parameters over a real socket (%s transport)", (transport) => {
  const client = () => new AsyncClient({ url: server.url, auth: { token: "t" }, transport, timeout: 2000 });

  it("refuses . and .. and empty values, naming the parameter, and sends nothing", async () => {
    const c = client();
    const before = server.requests.length;
    const cases: [Promise<unknown>, string][] = [
      [c.users.getUserAudits(".."), 'GetUserAudits: path parameter user_id cannot be ".."'],
      [c.users.getUserAudits("."), 'GetUserAudits: path parameter user_id cannot be "."'],
      [c.users.getUser(""), "GetUser: path parameter user_id must be a non-empty string, got an empty string"],
      [
        c.groups.patchGroupSyncableForTeam("..", "team1", { auto_add: true }),
        'PatchGroupSyncableForTeam: path parameter group_id cannot be ".."',
      ],
      [
        c.groups.patchGroupSyncableForTeam("g1", "..", { auto_add: true }),
        'PatchGroupSyncableForTeam: path parameter team_id cannot be ".."',
      ],
      [
        c.request("GET", "/api/v4/users/{user_id}/audits", { params: { user_id: ".." } }),
        'GET /api/v4/users/{user_id}/audits: path parameter user_id cannot be ".."',
      ],
    ];
    for (const [call, message] of cases) {
      const error = await caught(call);
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toContain(message);
    }
    expect(server.requests.length).toBe(before);
    await c.close();
  });

  it("turns a lone surrogate into a UsageError naming the parameter, not a URIError", async () => {
    const c = client();
    const before = server.requests.length;
    for (const value of ["\uD800", "ok\uDFFFok"]) {
      const error = await caught(c.users.getUser(value));
      expect(error).toBeInstanceOf(UsageError);
      expect(error).not.toBeInstanceOf(URIError);
      expect(error.message).toMatch(/^GetUser: path parameter user_id holds a lone surrogate/);
    }
    const error = await caught(c.request("GET", "/api/v4/users/{id}", { params: { id: "\uD83D" } }));
    expect(error).toBeInstanceOf(UsageError);
    const inQuery = await caught(c.users.getUsers({ in_team: "t\uDC00" }));
    expect(inQuery).toBeInstanceOf(UsageError);
    expect(inQuery.message).toBe('GetUsers: query parameter "in_team" holds a lone surrogate');
    expect(server.requests.length).toBe(before);
    await c.close();
  });

  it("encodes / ? # % \\ so the value stays one segment, and .. inside a value is harmless", async () => {
    const c = client();
    const before = server.requests.length;
    await c.users.getUser("a/../b?c=1#d%2e%2e\\e");
    await c.users.getUserAudits("..%2f");
    await c.request("GET", "/api/v4/users/{user_id}", { params: { user_id: "x/y" } });
    const paths = server.requests.slice(before).map((r) => r.url);
    expect(paths).toEqual([
      "/api/v4/users/a%2F..%2Fb%3Fc%3D1%23d%252e%252e%5Ce",
      "/api/v4/users/..%252f/audits",
      "/api/v4/users/x%2Fy",
    ]);
    await c.close();
  });

  it("never lets .. reach the server, whatever operation is called", async () => {
    const c = client();
    const before = server.requests.length;
    await caught(c.users.getUserAudits(".."));
    await caught(c.users.getUser(".."));
    await c.users.getUser("me");
    for (const r of server.requests.slice(before)) {
      expect(r.url.split("?")[0]?.split("/")).not.toContain("..");
      expect(r.url).not.toMatch(/\/audits$|^\/api\/v4\/users$/);
    }
    expect(server.requests.length).toBe(before + 1);
    await c.close();
  });
});

/** Every generated operation, through the real group methods, on a transport that records what is sent. */
function operations(): { group: string; name: string; ep: Endpoint }[] {
  const out: { group: string; name: string; ep: Endpoint }[] = [];
  for (const [group, table] of Object.entries(groupTables)) {
    for (const [name, entry] of Object.entries(table as Record<string, Endpoint | IteratorEntry>)) {
      if (!("iterate" in entry)) out.push({ group, name, ep: entry });
    }
  }
  return out;
}

function method(client: AsyncClient, group: string, name: string): (...args: unknown[]) => Promise<unknown> {
  const g = (client as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[group];
  return (...args) => g[name](...args);
}

const placeholders = (ep: Endpoint) => ep.path.split("{").length - 1;

describe("every operation", () => {
  it("refuses .. in each of its path parameters before anything is sent", async () => {
    const transport = new FakeTransport([{ status: 200, body: {} }]);
    const client = new AsyncClient({ url: "http://chat.example.com", auth: { token: "t" }, transport });
    let checked = 0;
    for (const { group, name, ep } of operations()) {
      const count = placeholders(ep);
      for (let at = 0; at < count; at++) {
        const args: unknown[] = Array.from({ length: count }, (_, i) => (i === at ? ".." : "x"));
        if (ep.body) args.push({});
        const error = await caught(method(client, group, name)(...args));
        expect(error, `${group}.${name}`).toBeInstanceOf(UsageError);
        expect(error.message).toContain(`${ep.id}: path parameter`);
        checked++;
      }
    }
    expect(transport.requests).toHaveLength(0);
    // The spec has hundreds of path parameters; the issue counted 43 operations that `..` could redirect.
    expect(checked).toBeGreaterThan(300);
  });

  it("refuses a missing required body with a UsageError before anything is sent", async () => {
    const transport = new FakeTransport([{ status: 200, body: {} }]);
    const client = new AsyncClient({ url: "http://chat.example.com", auth: { token: "t" }, transport });
    const required = operations().filter(({ ep }) => ep.bodyRequired);
    expect(required.length).toBeGreaterThan(100);
    for (const { group, name, ep } of required) {
      const args: unknown[] = Array.from({ length: placeholders(ep) }, () => "x");
      for (const missing of [undefined, null]) {
        const error = await caught(method(client, group, name)(...args, missing));
        expect(error, `${group}.${name}`).toBeInstanceOf(UsageError);
        expect(error.message).toBe(`${ep.id}: the request body is required, got ${String(missing)}`);
      }
    }
    expect(transport.requests).toHaveLength(0);
    // An operation without a body is not affected.
    await client.users.logout();
    expect(transport.requests).toHaveLength(1);
  });

  it("only marks as required what the spec requires: an optional body may be left out", async () => {
    const optional = operations().filter(({ ep }) => ep.body && !ep.bodyRequired);
    expect(optional.length).toBeGreaterThan(0);
    const { group, name, ep } = optional[0] as (typeof optional)[number];
    const transport = new FakeTransport([{ status: 200, body: {} }]);
    const client = new AsyncClient({ url: "http://chat.example.com", auth: { token: "t" }, transport });
    const args: unknown[] = Array.from({ length: placeholders(ep) }, () => "x");
    await method(client, group, name)(...args, undefined, ...(ep.query ? [undefined] : []), { validation: "off" });
    expect(transport.requests).toHaveLength(1);
    expect(transport.requests[0]?.body).toBeUndefined();
  });
});
