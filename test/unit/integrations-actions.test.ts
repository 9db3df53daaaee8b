/** Buttons and menus: builders checked with the server's rules, clicks parsed and verified, answers checked; the Node adapter. */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  actionHandler,
  attachment,
  button,
  createActionSigner,
  integrationRouter,
  menu,
  slashCommandHandler,
  toNodeHandler,
} from "../../src/integrations/index.js";

const signer = createActionSigner({ secret: "k".repeat(32) });

function click(context: Record<string, unknown>, extra: Record<string, unknown> = {}): Request {
  return new Request("http://bot.test/action", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      user_id: "u1",
      user_name: "luke",
      channel_id: "c1",
      channel_name: "town-square",
      team_id: "t1",
      team_domain: "rebels",
      post_id: "p1",
      trigger_id: "trig",
      type: "button",
      data_source: "",
      context,
      ...extra,
    }),
  });
}

describe("builders", () => {
  it("build buttons and menus as the server stores them", () => {
    expect(button({ name: "Yes", url: "https://bot.test/a", style: "primary", context: { v: 1 } })).toEqual({
      type: "button",
      name: "Yes",
      style: "primary",
      integration: { url: "https://bot.test/a", context: { v: 1 } },
    });
    expect(menu({ name: "Who", url: "/plugins/x/a", dataSource: "users" })).toMatchObject({
      type: "select",
      data_source: "users",
    });
    const withOptions = menu({
      name: "Pick",
      url: "https://bot.test/a",
      options: [{ text: "A", value: "a" }],
      defaultOption: "a",
    });
    expect(withOptions.options).toEqual([{ text: "A", value: "a" }]);
    expect(attachment({ text: "t", actions: [withOptions] }).actions).toHaveLength(1);
  });

  it("refuse what PostAction.IsValid refuses, naming the action", () => {
    expect(() => button({ name: "", url: "https://bot.test/a" })).toThrow(/needs a name/);
    expect(() => button({ name: "X", url: "javascript:alert(1)" })).toThrow(/button "X": integration.url/);
    expect(() => button({ name: "X", url: "https://b/", style: "loud" as never })).toThrow(/style "loud"/);
    expect(() => menu({ name: "M", url: "https://b/" })).toThrow(/either options or dataSource/);
    expect(() => menu({ name: "M", url: "https://b/", dataSource: "teams" as never })).toThrow(/users" or "channels/);
    expect(() => menu({ name: "M", url: "https://b/", options: [{ text: "", value: "a" }] })).toThrow(/option 0/);
  });
});

describe("actionHandler", () => {
  it("verifies the signed context and passes the clean context and the menu choice", async () => {
    let seen: unknown;
    const handler = actionHandler<{ poll: string }>({
      signer,
      action: "vote",
      handle: (c) => {
        seen = { context: c.context, selected: c.selectedOption, user: c.request.user_name };
        return { ephemeral_text: "counted", update: { message: "updated" } };
      },
    });
    const context = { ...signer.sign({ poll: "p1" }, { action: "vote" }), selected_option: "b" };
    const response = await handler(click(context, { type: "select" }));
    expect(await response.json()).toEqual({ ephemeral_text: "counted", update: { message: "updated" } });
    expect(seen).toEqual({ context: { poll: "p1" }, selected: "b", user: "luke" });
  });

  it("refuses forged and tampered clicks (403) without running the handler", async () => {
    let runs = 0;
    const handler = actionHandler({ signer, handle: () => void runs++ });
    expect((await handler(click({ poll: "p1" }))).status).toBe(403);
    const signed = signer.sign({ poll: "p1" }, { action: "vote" });
    expect((await handler(click({ ...signed, poll: "p2" }))).status).toBe(403);
    expect(runs).toBe(0);
  });

  it("answers 400 to malformed clicks and 500 to an answer with unknown keys", async () => {
    const errors: unknown[] = [];
    const handler = actionHandler({ handle: () => ({ ephemeral: "typo" }) as never, onError: (e) => errors.push(e) });
    expect((await handler(click({}, { context: "x" }))).status).toBe(400);
    expect((await handler(click({}, { user_id: 5 }))).status).toBe(400);
    expect((await handler(click({}))).status).toBe(500);
    expect(String(errors[0])).toMatch(/unknown key "ephemeral"/);
  });
});

describe("toNodeHandler", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  function send(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  const command = slashCommandHandler({ token: "tok", maxBodyBytes: 1000, handle: (c) => `hi ${c.user_name}` });

  it("serves a router of handlers under node:http, with the body limit applied to the stream", async () => {
    const url = await listen(toNodeHandler(integrationRouter({ "/command": command })));
    const ok = await send(`${url}/command`, "token=tok&user_name=luke&command=/hi", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ response_type: "ephemeral", text: "hi luke" });
    expect((await send(`${url}/elsewhere`, "", {})).status).toBe(404);
    const big = await send(`${url}/command`, `token=tok&text=${"x".repeat(5000)}`, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(big.status).toBe(413);
  });

  it("works as Express-style middleware after a body parser has read the body", async () => {
    const middleware = toNodeHandler(command);
    const url = await listen((req, res) => {
      req.resume();
      req.on("end", () => {
        Object.assign(req, { body: { token: "tok", user_name: "leia", command: "/hi" } });
        middleware(req, res);
      });
    });
    const response = await send(url, "ignored", { "content-type": "application/x-www-form-urlencoded" });
    expect(JSON.parse(response.text)).toEqual({ response_type: "ephemeral", text: "hi leia" });
  });
});
