/** Outgoing webhook endpoints, and posting to incoming webhooks (retries, errors, the hook id kept secret). */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionError,
  InvalidOrMissingParameters,
  RequestTimeoutError,
  TooManyRequests,
  UsageError,
} from "../../src/core/errors.js";
import { outgoingWebhookHandler, postToWebhook, sendToResponseUrl } from "../../src/integrations/index.js";
import { caught } from "../helpers/caught.js";
import { json, startServer, type TestServer } from "../helpers/http-server.js";

const TOKEN = "hooktoken1234567890abcdefg";
const HOOK_ID = "s3cr3th00k1d0000000000000a";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function payload(extra: Record<string, string> = {}) {
  return {
    token: TOKEN,
    team_id: "t1",
    team_domain: "rebels",
    channel_id: "c1",
    channel_name: "town-square",
    timestamp: "1700000000",
    user_id: "u1",
    user_name: "luke",
    post_id: "p1",
    text: "deploy now",
    trigger_word: "deploy",
    file_ids: "f1,f2",
    ...extra,
  };
}

describe("outgoingWebhookHandler", () => {
  it("parses a form payload (seconds) and a JSON one (milliseconds) into the same typed request", async () => {
    const seen: unknown[] = [];
    const handler = outgoingWebhookHandler({
      token: TOKEN,
      handle: (r) => {
        seen.push(r);
        return { text: `deploying for ${r.user_name}`, response_type: "comment" };
      },
    });
    const asForm = await handler(
      new Request("http://bot.test/hook", { method: "POST", body: new URLSearchParams(payload()) }),
    );
    expect(await asForm.json()).toEqual({ text: "deploying for luke", response_type: "comment" });
    await handler(
      new Request("http://bot.test/hook", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...payload(), timestamp: 1_700_000_000_000 }),
      }),
    );
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).toMatchObject({ timestamp: 1_700_000_000_000, file_ids: ["f1", "f2"], trigger_word: "deploy" });
  });

  it("refuses a wrong token (401, handler not run), malformed JSON and fields of the wrong type (400)", async () => {
    let runs = 0;
    const handler = outgoingWebhookHandler({ token: TOKEN, handle: () => void runs++ });
    const wrong = await handler(
      new Request("http://b/", { method: "POST", body: new URLSearchParams(payload({ token: "x" })) }),
    );
    expect(wrong.status).toBe(401);
    const jsonRequest = (body: string) =>
      new Request("http://b/", { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await handler(jsonRequest("{nope"))).status).toBe(400);
    expect((await handler(jsonRequest(JSON.stringify({ ...payload(), text: 5 })))).status).toBe(400);
    expect((await handler(jsonRequest(JSON.stringify({ ...payload(), timestamp: "soon" })))).status).toBe(400);
    expect(runs).toBe(0);
  });
});

describe("postToWebhook", () => {
  it("posts the payload as JSON, and retries a 429 after its Retry-After", async () => {
    let calls = 0;
    server = await startServer((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, { "retry-after": "0", "content-type": "text/plain" });
        res.end("limit exceeded");
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      }
    });
    await postToWebhook(`${server.url}/hooks/${HOOK_ID}`, { text: "hello", username: "bot" });
    expect(calls).toBe(2);
    expect(JSON.parse(server.requests[1]!.body.toString())).toEqual({ text: "hello", username: "bot" });
    expect(server.requests[1]!.headers["content-type"]).toBe("application/json");
  });

  it("fails with TooManyRequests when the wait asked is over maxRetryDelay, or after maxRetries", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(429, { "retry-after": "3600" });
      res.end();
    });
    const error = await caught(postToWebhook(`${server.url}/hooks/${HOOK_ID}`, { text: "x" }));
    expect(error).toBeInstanceOf(TooManyRequests);
    expect(error.retryAfter).toBe(3600);
    expect(server.requests).toHaveLength(1);
  });

  it("throws the server's error as our class, with the hook id masked everywhere", async () => {
    server = await startServer((_req, res) =>
      json(res, 400, {
        id: "web.incoming_webhook.text.app_error",
        message: "No text specified",
        detailed_error: `webhook_id=${HOOK_ID}`,
        status_code: 400,
      }),
    );
    const error = await caught(postToWebhook(`${server.url}/hooks/${HOOK_ID}`, { text: "x" }));
    expect(error).toBeInstanceOf(InvalidOrMissingParameters);
    expect(error.id).toBe("web.incoming_webhook.text.app_error");
    const printed = `${error.message} ${error.url} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
    expect(printed).toContain("/hooks/***");
    expect(printed).not.toContain(HOOK_ID);
  });

  it("fails with ConnectionError (refused, after retries) and RequestTimeoutError, hook id masked", async () => {
    const refused = await caught(
      postToWebhook(`http://127.0.0.1:1/hooks/${HOOK_ID}`, { text: "x" }, { maxRetries: 1 }),
    );
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(`${refused.message} ${inspect(refused, { depth: 5 })}`).not.toContain(HOOK_ID);
    server = await startServer(() => new Promise(() => {}));
    const slow = await caught(postToWebhook(`${server.url}/hooks/${HOOK_ID}`, { text: "x" }, { timeout: 100 }));
    expect(slow).toBeInstanceOf(RequestTimeoutError);
    expect(slow.message).not.toContain(HOOK_ID);
  });

  it("refuses an empty payload, unknown keys and a URL that is not a hook, before sending (UsageError)", async () => {
    await expect(postToWebhook("http://h.test/hooks/abc", {})).rejects.toThrow(/text or attachments/);
    await expect(postToWebhook("http://h.test/hooks/abc", { txt: "x" } as never)).rejects.toThrow(/unknown key "txt"/);
    await expect(postToWebhook("http://h.test/api/v4/posts", { text: "x" })).rejects.toThrow(UsageError);
    const error = await caught(postToWebhook(`ftp://h.test/hooks/${HOOK_ID}`, { text: "x" }));
    expect(error.message).not.toContain(HOOK_ID);
  });

  it("sendToResponseUrl checks the answer and the URL's shape", async () => {
    await expect(
      sendToResponseUrl("http://h.test/hooks/commands/abc", { response_type: "x" } as never),
    ).rejects.toThrow(/response_type/);
    await expect(sendToResponseUrl("http://h.test/elsewhere", "hi")).rejects.toThrow(/command response URL/);
  });
});
