/**
 * SEC: the secrets a client can hold, a loopback server that echoes them back in its answers (a hostile or merely
 * careless server: the request URL and Authorization header quoted in a 400's AppError, a 500's text, Set-Cookie),
 * and the one check: no secret in any form a logger or a developer might print.
 */
import { format, inspect } from "node:util";
import { expect } from "vitest";
import { json, startServer, type TestServer } from "../../helpers/http-server.js";

/** Every secret contains SECRET (except the MFA code and base64 forms), so that a leak is easy to spot. */
export const S = {
  token: "tok-SECRET-7f3a9c",
  password: "pw-SECRET-hunter2",
  mfa: "918273",
  header: "hdr-SECRET-bearer",
  cookie: "cookie-SECRET-mm",
  custom: "custom-SECRET-xyz",
  proxyPassword: "proxy-SECRET-pass",
  proxyAuth: `Basic ${Buffer.from("proxyuser:proxy-SECRET-auth").toString("base64")}`,
  loginToken: "login-SECRET-tok",
  refresh: "refresh-SECRET-r1",
  clientSecret: "client-SECRET-c1",
  code: "code-SECRET-k1",
  tlsKey: "-----BEGIN PRIVATE KEY-----\nkey-SECRET-pem\n-----END PRIVATE KEY-----",
};

/** Every way a value is commonly printed: JSON loggers, util.inspect deep and with hidden fields, console.log. */
export function dumps(value: unknown): string {
  return [
    JSON.stringify(value),
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true }),
    format("%o", value),
    format("%s", value),
    String(value),
  ].join("\n");
}

/** Fails with the first secret found in what `value` prints as. */
export function expectNoSecret(value: unknown, extra: readonly string[] = []): string {
  const text = dumps(value);
  const secrets = [...Object.values(S), S.proxyAuth.slice(6), ...extra];
  for (const secret of secrets) expect(text, `leaked ${JSON.stringify(secret)}`).not.toContain(secret);
  expect(text).not.toMatch(/SECRET/);
  return text;
}

/**
 * Login answers a Token header and a Set-Cookie; /echo400 an AppError quoting the URL and the Authorization
 * header; /echo500 plain text quoting the same; /reset drops the connection; anything else 200 `{}`.
 */
export function startEchoServer(): Promise<TestServer> {
  return startServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    const echo = `${req.method} ${req.url} authorization=${req.headers.authorization} cookie=${req.headers.cookie}`;
    const cookies = { "set-cookie": `MMAUTHTOKEN=${S.loginToken}; Path=/; HttpOnly`, token: S.loginToken };
    if (path === "/api/v4/users/login") {
      json(res, 200, { id: "u1", username: "someone" }, cookies);
    } else if (path === "/api/v4/users/logout") {
      json(res, 200, { status: "OK" });
    } else if (path.endsWith("/echo400")) {
      json(res, 400, { id: "api.echo.app_error", message: echo, detailed_error: echo, status_code: 400 }, cookies);
    } else if (path.endsWith("/echo500")) {
      res.writeHead(500, { "content-type": "text/plain", ...cookies });
      res.end(`internal error while serving ${echo}`);
    } else if (path.endsWith("/reset")) {
      req.socket.destroy();
    } else {
      json(res, 200, {});
    }
  });
}
