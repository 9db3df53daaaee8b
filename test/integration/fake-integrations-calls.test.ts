/**
 * The fake server's outgoing integration requests (integration-calls.ts), against plain node:http servers: Go's
 * redirect rules, the answer size bound and the time bound.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callIntegration, IntegrationCallError } from "../../src/testing/integration-calls.js";
import { slackLinksToMarkdown } from "../../src/testing/integrations.js";
import { type Receiver, startReceiver } from "../helpers/integration-receiver.js";

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
});

const post = (url: string, extra: Partial<Parameters<typeof callIntegration>[0]> = {}) =>
  callIntegration({
    method: "POST",
    url,
    headers: { "Content-Type": "application/json", Authorization: "Token secret" },
    body: '{"a":1}',
    timeoutMs: 5_000,
    ...extra,
  });

describe("integration calls", () => {
  it("follows a 307 with the same method and body, and a 302 as a GET without body", async () => {
    receiver.next((_req, res) => {
      res.writeHead(307, { location: "/second" });
      res.end();
    });
    receiver.next((_req, res) => {
      res.writeHead(302, { location: "/third" });
      res.end();
    });
    receiver.next((_req, res) => void res.end("done"));
    const before = receiver.requests.length;
    const answer = await post(`${receiver.url}/first`);
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe("done");
    const [first, second, third] = receiver.requests.slice(before);
    expect([first.method, first.url, second.method, second.url, third.method, third.url]).toEqual([
      "POST",
      "/first",
      "POST",
      "/second",
      "GET",
      "/third",
    ]);
    expect(second.body.toString()).toBe('{"a":1}');
    expect(second.headers.authorization).toBe("Token secret");
    expect(third.body.length).toBe(0);
    expect(third.headers["content-type"]).toBeUndefined();
  });

  it("drops Authorization when a redirect leaves the host, and stops after 10 redirects", async () => {
    receiver.next((_req, res) => {
      res.writeHead(307, { location: receiver.url.replace("127.0.0.1", "localhost") });
      res.end();
    });
    receiver.next((_req, res) => void res.end());
    const before = receiver.requests.length;
    await post(`${receiver.url}/elsewhere`);
    expect(receiver.requests[before + 1].headers.authorization).toBeUndefined();

    for (let i = 0; i < 11; i++) {
      receiver.next((_req, res) => {
        res.writeHead(302, { location: "/again" });
        res.end();
      });
    }
    await expect(post(`${receiver.url}/loop`)).rejects.toMatchObject({ kind: "redirects" });
  });

  it("reads at most maxBytes of an answer and says it cut it", async () => {
    receiver.next((_req, res) => void res.end(Buffer.alloc(100_000, 120)));
    const answer = await post(receiver.url, { maxBytes: 1_000 });
    expect(answer.body.length).toBe(1_000);
    expect(answer.truncated).toBe(true);
  });

  it("fails after timeoutMs when nobody answers, and on a refused connection or a bad URL", async () => {
    receiver.next(() => {
      // never answers
    });
    const silent = await post(receiver.url, { timeoutMs: 200 }).catch((error) => error);
    expect(silent).toBeInstanceOf(IntegrationCallError);
    expect(silent.kind).toBe("timeout");

    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    await expect(post(url)).rejects.toMatchObject({ kind: "network" });
    await expect(post("ftp://example.com/x")).rejects.toMatchObject({ kind: "url" });
    await expect(post("not a url")).rejects.toMatchObject({ kind: "url" });
  });

  it("converts Slack links as the server's regexps do, in one pass over hostile text", () => {
    expect(slackLinksToMarkdown("see <https://a.example|A> and <https://b.example|B>")).toBe(
      "see [A](https://a.example) and [B](https://b.example)",
    );
    expect(slackLinksToMarkdown("<a<b|c>")).toBe("<a[c](b)");
    expect(slackLinksToMarkdown("<a|b\nc>")).toBe("[b\nc](a)");
    expect(slackLinksToMarkdown("<a|b\nc>", true)).toBe("<a|b\nc>");
    expect(slackLinksToMarkdown("<|x> <a|>")).toBe("<|x> <a|>");
    const hostile = "<a|".repeat(200_000);
    expect(slackLinksToMarkdown(hostile)).toBe(hostile);
  });
});
