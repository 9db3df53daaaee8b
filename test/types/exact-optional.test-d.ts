/**
 * Options filled from possibly-undefined values, as user code does (`{ ...defaults, timeout: maybe }`). Their
 * optional properties take `| undefined`, so this compiles under exactOptionalPropertyTypes too: tsconfig.exact.json
 * checks this file with the flag on (vitest's typecheck, with tsconfig.json, runs it with the flag off).
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  type AsyncClient,
  type ClientOptions,
  type Endpoint,
  fromPath,
  type RawRequest,
  type RequestOptions,
  type StartWsSyncOptions,
  type TransportRequest,
  toFile,
  type WebSocketOptions,
} from "../../src/index.js";
import type { Broadcast, Fault, FaultMatch, TestServerOptions } from "../../src/testing/index.js";

declare const client: AsyncClient;
declare const num: number | undefined;
declare const str: string | undefined;
declare const bool: boolean | undefined;
declare const signal: AbortSignal | undefined;

describe("optional properties take undefined", () => {
  it("client options, auth, TLS and proxy", () => {
    const options: ClientOptions = {
      url: "https://chat.example.com",
      auth: str === undefined ? undefined : { loginId: "leia", password: str, mfaToken: str, ldapOnly: bool },
      timeout: num,
      maxRetries: num,
      userAgent: str,
      tls: { rejectUnauthorized: bool, ca: str },
      proxy: { url: "http://proxy:3128", authorization: str },
    };
    expectTypeOf({ ...options, timeout: num }).toExtend<ClientOptions>();
  });

  it("per-call options and raw requests", () => {
    const call: RequestOptions = { signal, timeout: num, maxRetries: num, headers: undefined, validation: undefined };
    client.users.getUser("me", call);
    const raw: RawRequest = { ...call, query: undefined, multipart: bool, response: undefined, auth: bool };
    client.request("GET", "/api/v4/users/me", raw);
    const ep: Endpoint = { id: "X", method: "GET", path: "/x", response: "json", body: undefined, schema: undefined };
    const req: TransportRequest = { method: "GET", url: "u", headers: {}, timeout: 0, body: undefined, signal };
    expectTypeOf([ep, req]).not.toBeNever();
    toFile("text", "a.txt", { type: str });
    fromPath("a.txt", { name: str, type: str });
  });

  it("WebSocket and SyncClient stream options", () => {
    const ws: WebSocketOptions = { reconnect: bool, pingInterval: num, signal, WebSocket: undefined };
    client.websocket(ws);
    expectTypeOf({ ...ws, timeout: num }).toExtend<StartWsSyncOptions>();
  });

  it("the fake server's options", () => {
    const options: TestServerOptions = { serverVersion: str, validateResponses: bool, webSocket: { authTimeout: num } };
    const fault: Fault = { status: 503, retryAfter: num, body: str };
    const match: FaultMatch = { method: str, path: str };
    const broadcast: Broadcast = { user_id: str, channel_id: str, team_id: undefined };
    expectTypeOf([options, fault, match, broadcast]).not.toBeNever();
  });
});
