import { describe, expect, it } from "vitest";
import { AsyncClient, NoAccessTokenProvided } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { appError, FakeTransport, type Recorded, type Reply } from "../helpers/fake-transport.js";

const user = { id: "u1", username: "hansolo" };

/** A little server: login issues tokens "session-1", "session-2" ...; `valid` decides which are still good. */
function server(options: { mfa?: string } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  const log: string[] = [];
  const transport = new FakeTransport((req: Recorded): Reply => {
    const path = new URL(req.url).pathname;
    if (path === "/api/v4/users/login") {
      log.push("login");
      const body = JSON.parse(req.bodyText ?? "{}");
      if (body.login_id !== "hansolo" || body.password !== "lea1234") {
        return {
          status: 401,
          body: appError(
            401,
            "api.user.login.invalid_credentials_email_username",
            "Enter a valid email or username and/or password.",
          ),
        };
      }
      if (options.mfa && body.token !== options.mfa) {
        return { status: 401, body: appError(401, "mfa.validate_token.authenticate.app_error", "Invalid MFA token.") };
      }
      const token = `session-${++issued}`;
      valid.add(token);
      return { status: 200, body: user, headers: { Token: token } };
    }
    const token = req.headers.authorization?.replace(/^Bearer /, "");
    if (path === "/api/v4/users/logout") {
      log.push(`logout ${token}`);
      if (token) valid.delete(token);
      return { body: { status: "OK" } };
    }
    if (!token || !valid.has(token)) {
      log.push(`401 ${token}`);
      return {
        status: 401,
        body: appError(401, "api.context.session_expired.app_error", "Invalid or expired session, please login again."),
      };
    }
    log.push(`ok ${token}`);
    return { body: user };
  });
  return { transport, valid, log };
}

const passwordAuth = { loginId: "hansolo", password: "lea1234" };

describe("token auth", () => {
  it("sends the token as a Bearer header", async () => {
    const transport = new FakeTransport([{ body: user }]);
    const client = new AsyncClient({ url: "https://c.example", auth: { token: "pat-1" }, transport });
    await client.users.getUser("me");
    expect(transport.requests[0].headers.authorization).toBe("Bearer pat-1");
  });

  it("does not retry a 401 with a fixed token", async () => {
    const transport = new FakeTransport([{ status: 401, body: appError(401, "x", "expired") }]);
    const client = new AsyncClient({ url: "https://c.example", auth: { token: "pat-1" }, transport });
    await expect(client.users.getUser("me")).rejects.toBeInstanceOf(NoAccessTokenProvided);
    expect(transport.requests).toHaveLength(1);
  });
});

describe("password auth", () => {
  it("logs in once and reuses the token, even for concurrent first calls", async () => {
    const { transport, log } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    await Promise.all(Array.from({ length: 10 }, () => client.users.getUser("me")));
    await client.users.getUser("me");
    expect(log.filter((l) => l === "login")).toHaveLength(1);
    expect(log.filter((l) => l === "ok session-1")).toHaveLength(11);
    expect(client.token).toBe("session-1");
  });

  it("sends login_id and password, no Authorization header, and reads the Token header", async () => {
    const { transport } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    await client.users.getUser("me");
    const login = transport.requests[0];
    expect(login.url).toBe("https://c.example/api/v4/users/login");
    expect(login.headers.authorization).toBeUndefined();
    expect(JSON.parse(login.bodyText ?? "")).toEqual({ login_id: "hansolo", password: "lea1234" });
    expect(transport.requests[1].headers.authorization).toBe("Bearer session-1");
  });

  it('sends the MFA code in `token` (the field the server reads) and ldap_only as the string "true"', async () => {
    const { transport } = server({ mfa: "123456" });
    const client = new AsyncClient({
      url: "https://c.example",
      auth: { ...passwordAuth, mfaToken: "123456", ldapOnly: true },
      transport,
    });
    await client.users.getUser("me");
    expect(JSON.parse(transport.requests[0].bodyText ?? "")).toEqual({
      login_id: "hansolo",
      password: "lea1234",
      token: "123456",
      ldap_only: "true",
    });
  });

  it("a wrong password fails with the server's error and no retry storm", async () => {
    const { transport, log } = server();
    const client = new AsyncClient({
      url: "https://c.example",
      auth: { loginId: "hansolo", password: "nope" },
      transport,
    });
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(NoAccessTokenProvided);
    expect(error.id).toBe("api.user.login.invalid_credentials_email_username");
    expect(error.message).not.toContain("nope");
    expect(log).toEqual(["login"]);
  });

  it("an expired session triggers exactly one re-login and one retry", async () => {
    const { transport, valid, log } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    await client.users.getUser("me");
    valid.clear(); // the server expired the session
    await expect(client.users.getUser("me")).resolves.toEqual(user);
    expect(log).toEqual(["login", "ok session-1", "401 session-1", "login", "ok session-2"]);
  });

  it("a 401 after the re-login is thrown, not retried again", async () => {
    const { transport, valid, log } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    await client.users.getUser("me");
    const originalAdd = valid.add.bind(valid);
    valid.clear();
    valid.add = (_v: string) => valid; // the server now refuses every new session too
    const error = await caught(client.users.getUser("me"));
    valid.add = originalAdd;
    expect(error).toBeInstanceOf(NoAccessTokenProvided);
    expect(log.filter((l) => l === "login")).toHaveLength(2);
    expect(log.filter((l) => l.startsWith("401"))).toHaveLength(2);
  });

  it("close() logs out the session it logged in, and leaves a transport it was given open", async () => {
    const { transport, log } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    await client.users.getUser("me");
    await client.close();
    expect(log.at(-1)).toBe("logout session-1");
    expect(transport.closed).toBe(false);
    await expect(client.users.getUser("me")).rejects.toThrow(/the client is closed/);
    await client.close(); // idempotent
  });
});

describe("sessions", () => {
  it("a session logs in once, and logs out when disposed", async () => {
    const { transport, log } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    {
      await using s = await client.session();
      await s.users.getUser("me");
      await s.users.getUser("me");
      expect(s.token).toBe("session-1");
    }
    expect(log).toEqual(["login", "ok session-1", "ok session-1", "logout session-1"]);
  });

  it("the callback form closes the session when the callback settles, even on error", async () => {
    const { transport, log } = server();
    const client = new AsyncClient({ url: "https://c.example", auth: passwordAuth, transport });
    const result = await client.session(async (s) => (await s.users.getUser("me")).username);
    expect(result).toBe("hansolo");
    await expect(
      client.session(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(log.filter((l) => l.startsWith("logout"))).toHaveLength(2);
  });

  it("a session of a token client does not log out the token on close", async () => {
    const transport = new FakeTransport([{ body: user }]);
    const client = new AsyncClient({ url: "https://c.example", auth: { token: "pat" }, transport });
    await client.session(async (s) => s.users.getUser("me"));
    expect(transport.requests.map((r) => new URL(r.url).pathname)).toEqual(["/api/v4/users/me"]);
  });
});
