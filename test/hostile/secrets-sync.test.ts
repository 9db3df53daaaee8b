/**
 * SEC: the SyncClient, its sessions and the errors it rebuilds from its worker print no secret. The fake server
 * runs in a child process (a SyncClient blocks its thread, so a server on the same thread could never answer).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, SyncClient } from "../../src/index.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { expectNoSecret, S } from "./helpers/secrets-servers.js";

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.close();
});

function thrown(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("expected the call to throw");
}

describe("SyncClient", () => {
  it("constructed with every kind of secret, never called: prints none", () => {
    const sd = new SyncClient({
      url: server.url,
      auth: { token: S.token },
      headers: { Authorization: `Bearer ${S.header}`, Cookie: `MMAUTHTOKEN=${S.cookie}` },
      proxy: `http://proxyuser:${S.proxyPassword}@127.0.0.1:1`,
    });
    try {
      expectNoSecret(sd);
    } finally {
      sd.close();
    }
  });

  it("a password client after login, its session, and an error with credentials in the URL", () => {
    const { username, password } = server.admin;
    const sd = new SyncClient({ url: server.url, auth: { loginId: username, password } });
    try {
      const token = sd.login() as string;
      expect(token).toBeTruthy();
      expectNoSecret(sd, [password, token]);
      sd.session((session) => {
        expectNoSecret(session, [password, token]);
        const sessionToken = session.token as string;
        const error = thrown(() =>
          session.request("GET", "/api/v4/users/{id}", {
            params: { id: "nobody-here" },
            query: { access_token: token, refresh_token: S.refresh, client_secret: S.clientSecret, code: S.code },
          }),
        );
        expect(error).toBeInstanceOf(ApiError);
        expect(error.url).toContain("access_token=***");
        expectNoSecret(error, [password, token, sessionToken]);
      });
    } finally {
      sd.close();
    }
  });
});
