import { describe, expect, it } from "vitest";
import { AsyncClient, UsageError } from "../../src/index.js";
import { FakeTransport } from "../helpers/fake-transport.js";

const transport = () => new FakeTransport([{ body: {} }]);

function optionsError(options: unknown): string {
  try {
    new AsyncClient(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("the client accepted bad options");
}

describe("options are checked at construction", () => {
  it.each([
    [undefined, /needs an options object/],
    [{}, /option url is required/],
    [{ url: "" }, /option url is required/],
    [{ url: 42 }, /url must be a string/],
    [{ url: "chat.example.com" }, /absolute URL with a scheme/],
    [{ url: "ftp://chat.example.com" }, /must use http or https/],
    [{ url: "https://user:pw@chat.example.com" }, /must not contain credentials/],
    [
      { url: "https://chat.example.com", auth: { token: "t", loginId: "a", password: "b" } },
      /either a token or a loginId/,
    ],
    [{ url: "https://chat.example.com", auth: { token: "" } }, /auth.token must be a non-empty string/],
    [{ url: "https://chat.example.com", auth: { loginId: "a" } }, /auth.password must be a non-empty string/],
    [
      { url: "https://chat.example.com", auth: { loginId: "a", password: "b", mfa: "1" } },
      /auth.mfa is not a password auth field/,
    ],
    [
      { url: "https://chat.example.com", auth: { loginId: "a", password: "b", ldapOnly: "yes" } },
      /ldapOnly must be a boolean/,
    ],
    [{ url: "https://chat.example.com", timeout: -1 }, /timeout must be a non-negative number/],
    [{ url: "https://chat.example.com", timeout: Number.NaN }, /timeout must be a non-negative number/],
    [{ url: "https://chat.example.com", maxRetries: 1.5 }, /maxRetries must be a non-negative integer/],
    [{ url: "https://chat.example.com", validation: "loose" }, /validation must be one of "lenient", "strict", "off"/],
    [{ url: "https://chat.example.com", headers: { "x-a": 1 } }, /headers.x-a must be a string/],
    [{ url: "https://chat.example.com", headers: { "bad name": "v" } }, /invalid header name/],
    [{ url: "https://chat.example.com", tiemout: 5 }, /option tiemout is not an option/],
    [
      { url: "https://chat.example.com", transport: "fetch", tls: { rejectUnauthorized: false } },
      /cannot apply tls or proxy/,
    ],
    [{ url: "https://chat.example.com", tls: { cert: "x" } }, /needs both cert and key/],
    [{ url: "https://chat.example.com", proxy: "socks5://p:1080" }, /proxy must be an http\(s\) URL/],
    [{ url: "https://chat.example.com", transport: "carrier-pigeon" }, /transport must be/],
  ])("rejects %j", (options, message) => {
    expect(optionsError(options)).toMatch(message);
  });

  it("never puts a password or token in the message", () => {
    const message = optionsError({
      url: "https://x.example",
      auth: { token: "sekrit-token", loginId: "a", password: "hunter2" },
    });
    expect(message).not.toContain("sekrit-token");
    expect(message).not.toContain("hunter2");
  });

  it("takes the site URL, with or without a trailing slash or /api/v4", async () => {
    for (const url of ["https://chat.example.com", "https://chat.example.com/", "https://chat.example.com/api/v4/"]) {
      const t = transport();
      const client = new AsyncClient({ url, auth: { token: "t" }, transport: t });
      await client.request("GET", "/api/v4/system/ping");
      expect(t.requests[0].url).toBe("https://chat.example.com/api/v4/system/ping");
    }
  });

  it("keeps a subpath install", async () => {
    const t = transport();
    const client = new AsyncClient({ url: "https://example.com/chat", transport: t });
    await client.system.getPing();
    expect(t.requests[0].url).toBe("https://example.com/chat/api/v4/system/ping");
  });

  it("applies defaults: 30 s timeout, lenient validation", async () => {
    const t = transport();
    const client = new AsyncClient({ url: "https://chat.example.com", transport: t });
    await client.system.getPing();
    expect(t.requests[0].timeout).toBe(30_000);
  });

  it("sends the configured headers and a per-call header", async () => {
    const t = transport();
    const client = new AsyncClient({ url: "https://c.example", headers: { "X-Team": "a" }, transport: t });
    await client.system.getPing(undefined, { headers: { "X-Call": "b" } });
    expect(t.requests[0].headers["x-team"]).toBe("a");
    expect(t.requests[0].headers["x-call"]).toBe("b");
  });
});
