/** Slash command endpoints: parsing, the token, answers checked, answering in time, delayed answers, bounds. */
import { afterEach, describe, expect, it } from "vitest";
import { type CommandResponse, slashCommandHandler } from "../../src/integrations/index.js";
import { startServer, type TestServer } from "../helpers/http-server.js";

const TOKEN = "tok1234567890abcdefghijklmn";

function form(fields: Record<string, string | string[]>): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) out.append(k, x);
  return out.toString();
}

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://bot.test/command", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
}

const base = {
  token: TOKEN,
  team_id: "t1",
  team_domain: "rebels",
  channel_id: "c1",
  channel_name: "town-square",
  user_id: "u1",
  user_name: "luke",
  command: "/poll",
  text: "Lunch? @leia ~off-topic",
  trigger_id: "trig",
  root_id: "",
  response_url: "http://127.0.0.1:1/hooks/commands/abc123",
  user_mentions: "leia",
  user_mentions_ids: "u2",
  channel_mentions: "off-topic",
  channel_mentions_ids: "c2",
};

let hooks: TestServer | undefined;
afterEach(async () => {
  await hooks?.close();
  hooks = undefined;
});

describe("slashCommandHandler", () => {
  it("parses the form into a typed command with the mention pairs, and answers JSON", async () => {
    let seen: unknown;
    const handler = slashCommandHandler({
      token: TOKEN,
      handle: (command) => {
        seen = command;
        return { response_type: "in_channel", text: `poll: ${command.text}` };
      },
    });
    const response = await handler(post(form(base)));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ response_type: "in_channel", text: "poll: Lunch? @leia ~off-topic" });
    expect(seen).toMatchObject({
      command: "/poll",
      user_name: "luke",
      user_mentions: [{ name: "leia", id: "u2" }],
      channel_mentions: [{ name: "off-topic", id: "c2" }],
    });
  });

  it("reads a GET command from the query, and takes the token from Authorization: Token when the field is absent", async () => {
    const handler = slashCommandHandler({ token: TOKEN, handle: (c) => `hi ${c.user_name}` });
    const { token: _, ...rest } = base;
    const response = await handler(
      new Request(`http://bot.test/command?${form(rest)}`, { headers: { authorization: `Token ${TOKEN}` } }),
    );
    expect(await response.json()).toEqual({ response_type: "ephemeral", text: "hi luke" });
  });

  it("refuses a wrong or missing token with 401 and never runs the handler; accepts every rotated token", async () => {
    let runs = 0;
    const handler = slashCommandHandler({ token: ["old-token", TOKEN], handle: () => void runs++ });
    expect((await handler(post(form({ ...base, token: "nope" })))).status).toBe(401);
    const { token: _, ...rest } = base;
    expect((await handler(post(form(rest)))).status).toBe(401);
    expect(runs).toBe(0);
    expect((await handler(post(form({ ...base, token: "old-token" })))).status).toBe(200);
    expect(runs).toBe(1);
  });

  it("answers 400 for mismatched mention pairs, 413 over the body limit, 415 for other types, 405 for PUT", async () => {
    const handler = slashCommandHandler({ token: TOKEN, maxBodyBytes: 2048, handle: () => "x" });
    const bad = await handler(post(form({ ...base, user_mentions_ids: ["u2", "u3"] })));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/user_mentions/);
    expect((await handler(post(form({ ...base, text: "x".repeat(5000) })))).status).toBe(413);
    expect((await handler(post("<xml/>", { "content-type": "text/xml" }))).status).toBe(415);
    expect((await handler(new Request("http://bot.test/command", { method: "PUT", body: "" }))).status).toBe(405);
  });

  it("checks the answer before sending: a wrong one is a 500 reported through onError, with the token masked", async () => {
    const errors: unknown[] = [];
    const handler = slashCommandHandler({
      token: TOKEN,
      onError: (e) => errors.push(e),
      handle: () => ({ response_type: "everyone", text: "x" }) as unknown as CommandResponse,
    });
    expect((await handler(post(form(base)))).status).toBe(500);
    expect(String(errors[0])).toMatch(/response_type must be "ephemeral" or "in_channel"/);
    const leaky = slashCommandHandler({
      token: TOKEN,
      onError: (e) => errors.push(e),
      handle: () => {
        throw new Error(`boom with ${TOKEN}`);
      },
    });
    expect((await leaky(post(form(base)))).status).toBe(500);
    expect(String(errors[1])).not.toContain(TOKEN);
    expect(() => slashCommandHandler({ token: "", handle: () => "" })).toThrow(/token/);
  });

  it("acks a slow handler in time and sends its answer to response_url when it comes", async () => {
    const received: { body: string; type: string | undefined }[] = [];
    hooks = await startServer((req, res) => {
      received.push({ body: req.body.toString(), type: req.headers["content-type"] });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
    let finish: (r: CommandResponse) => void = () => {};
    const handler = slashCommandHandler({
      token: TOKEN,
      ackAfter: 20,
      ack: "working on it",
      handle: () => new Promise<CommandResponse>((resolve) => (finish = resolve)),
    });
    const response = await handler(post(form({ ...base, response_url: `${hooks.url}/hooks/commands/abc123` })));
    expect(await response.json()).toEqual({ response_type: "ephemeral", text: "working on it" });
    finish({ response_type: "in_channel", text: "done" });
    await handler.settled();
    expect(received).toEqual([
      { body: JSON.stringify({ response_type: "in_channel", text: "done" }), type: "application/json" },
    ]);
  });

  it("runs deferred work after answering and posts its result; refuses a response_url off the site", async () => {
    const received: string[] = [];
    hooks = await startServer((req, res) => {
      received.push(`${req.url} ${req.body.toString()}`);
      res.end("ok");
    });
    const errors: unknown[] = [];
    const handler = slashCommandHandler({
      token: TOKEN,
      responseUrl: { siteUrl: hooks.url },
      onError: (e) => errors.push(e),
      handle: (_command, ctx) => {
        ctx.defer(async () => ({ text: "later" }));
        return { text: "now" };
      },
    });
    const response = await handler(post(form({ ...base, response_url: `${hooks.url}/hooks/commands/abc123` })));
    expect(await response.json()).toEqual({ text: "now" });
    await handler.settled();
    expect(received).toEqual([`/hooks/commands/abc123 ${JSON.stringify({ text: "later" })}`]);
    await handler(post(form({ ...base, response_url: "http://elsewhere.test/hooks/commands/abc123" })));
    await handler.settled();
    expect(String(errors[0])).toMatch(/not on the site/);
    expect(String(errors[0])).not.toContain("abc123");
  });

  it("returns an empty 200 (nothing shown) when the handler has nothing to say", async () => {
    const handler = slashCommandHandler({ token: TOKEN, handle: () => undefined });
    const response = await handler(post(form(base)));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});
