/** Hostile requests to integration endpoints: slow, huge, malformed, deeply nested; each refused, none crashing. */
import { describe, expect, it } from "vitest";
import {
  actionHandler,
  createActionSigner,
  dialogHandler,
  outgoingWebhookHandler,
  RequestRefused,
  slashCommandHandler,
  toWebRequest,
} from "../../src/integrations/index.js";
import { caught } from "../helpers/caught.js";

function trickle(chunks: string[], pauseMs: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i >= chunks.length) return controller.close();
      await new Promise((r) => setTimeout(r, pauseMs));
      controller.enqueue(new TextEncoder().encode(chunks[i++]));
    },
  });
}

const json = (body: string) =>
  new Request("http://bot.test/", { method: "POST", headers: { "content-type": "application/json" }, body });

describe("hostile requests", () => {
  it("drops a body that trickles in slower than bodyTimeout (408)", async () => {
    const handler = slashCommandHandler({ token: "t", bodyTimeout: 50, handle: () => "x" });
    const request = new Request("http://bot.test/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: trickle(["token=t", "&text=a", "&text=b", "&text=c"], 40),
      duplex: "half",
    } as RequestInit);
    const response = await handler(request);
    expect(response.status).toBe(408);
  });

  it("refuses a declared or streamed body over the limit (413) without reading it all", async () => {
    const handler = actionHandler({ maxBodyBytes: 100, handle: () => undefined });
    const declared = new Request("http://bot.test/", {
      method: "POST",
      headers: { "content-length": "1000000000", "content-type": "application/json" },
      body: "{}",
    });
    expect((await handler(declared)).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64));
      },
    });
    const streamed = new Request("http://bot.test/", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    expect((await handler(streamed)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it("answers 400 to JSON that is not an object, deeply nested JSON, and invalid UTF-8", async () => {
    const handler = dialogHandler({ handle: () => undefined });
    for (const body of ["null", "[1]", '"x"', "1e400", "{".repeat(100_000)]) {
      const response = await handler(json(body));
      expect(response.status, body.slice(0, 20)).toBe(400);
    }
    const webhook = outgoingWebhookHandler({ token: "t", handle: () => undefined });
    const bytes = new Uint8Array([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x3d, 0xff, 0xfe]);
    expect((await webhook(new Request("http://bot.test/", { method: "POST", body: bytes }))).status).toBe(401);
  });

  it("refuses a signed-looking context nested too deeply to verify (403), not a crash", async () => {
    const signer = createActionSigner({ secret: "k".repeat(32) });
    const signed = signer.sign({ a: 1 }, { action: "x" });
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const error = await caught(signer.verify({ context: { ...signed, deep } }));
    expect(error).toBeInstanceOf(RequestRefused);
    expect(error.status).toBe(403);
  });

  it("keeps an absolute-form or double-slash request target on this host", () => {
    const req = { url: "//evil.test/action", method: "GET", headers: { host: "bot.test" } };
    const request = toWebRequest(req as never);
    expect(new URL(request.url).host).toBe("bot.test");
    expect(new URL(request.url).pathname).toBe("//evil.test/action");
    const badHost = toWebRequest({ url: "/x", method: "GET", headers: { host: "a b/c" } } as never);
    expect(new URL(badHost.url).host).toBe("localhost");
  });

  it("lets a handler refuse with its own status and reason", async () => {
    const handler = actionHandler({
      handle: () => {
        throw new RequestRefused(403, "only the author may do that");
      },
    });
    const response = await handler(json("{}"));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("only the author may do that");
  });
});
