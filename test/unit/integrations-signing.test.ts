/** Tokens compared in constant time, and action contexts signed, verified, expired and replayed. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { RequestRefused } from "../../src/integrations/incoming.js";
import { createActionSigner, MemoryReplayStore, tokenMatches } from "../../src/integrations/index.js";
import { caught } from "../helpers/caught.js";

const SECRET = "s".repeat(32);

describe("tokenMatches", () => {
  it("accepts any of the tokens given (rotation) and refuses others, empty and missing", () => {
    expect(tokenMatches("new", ["old", "new"])).toBe(true);
    expect(tokenMatches("old", ["old", "new"])).toBe(true);
    expect(tokenMatches("older", ["old", "new"])).toBe(false);
    expect(tokenMatches("", ["old"])).toBe(false);
    expect(tokenMatches(undefined, ["old"])).toBe(false);
    expect(tokenMatches("", [""])).toBe(false);
  });
});

describe("action signing", () => {
  const clicked = (context: Record<string, unknown>, extra: Record<string, string> = {}) => ({
    context: JSON.parse(JSON.stringify(context)),
    user_id: "u1",
    channel_id: "c1",
    ...extra,
  });

  it("verifies what it signed, through a JSON round trip, and gives back the context without its fields", async () => {
    const signer = createActionSigner({ secret: SECRET });
    const signed = signer.sign({ poll: "p1", choice: 2, nested: { b: [1, "x"], a: true } }, { action: "vote" });
    expect(Object.keys(signed)).toEqual(expect.arrayContaining(["matterapi_signature", "matterapi_action"]));
    // Key order changes in transit (Go maps): the signature does not depend on it.
    const reordered = Object.fromEntries(Object.entries(signed).reverse());
    const verified = await signer.verify(clicked({ ...reordered, selected_option: "opt" }), "vote");
    expect(verified.context).toEqual({ poll: "p1", choice: 2, nested: { b: [1, "x"], a: true } });
    expect(verified.action).toBe("vote");
    expect(verified.selectedOption).toBe("opt");
  });

  it("refuses a forged, a tampered, an unsigned context and one signed with another secret (403)", async () => {
    const signer = createActionSigner({ secret: SECRET });
    const other = createActionSigner({ secret: "t".repeat(32) });
    const signed = signer.sign({ amount: 10 }, { action: "pay" });
    const tampered = await caught(signer.verify(clicked({ ...signed, amount: 1000 })));
    expect(tampered).toBeInstanceOf(RequestRefused);
    expect(tampered.status).toBe(403);
    expect(tampered.message).toMatch(/does not match/);
    expect((await caught(signer.verify(clicked({ amount: 10 })))).status).toBe(403);
    expect((await caught(signer.verify(clicked(other.sign({ amount: 10 }, { action: "pay" }))))).status).toBe(403);
    const renamed = { ...signed, matterapi_action: "refund" };
    expect((await caught(signer.verify(clicked(renamed)))).status).toBe(403);
    const garbage = { ...signed, matterapi_signature: "v1.x.y" };
    expect((await caught(signer.verify(clicked(garbage)))).status).toBe(403);
  });

  it("refuses a context signed for another action, channel or user", async () => {
    const signer = createActionSigner({ secret: SECRET });
    const signed = signer.sign({ a: 1 }, { action: "vote", channelId: "c1", userId: "u1" });
    await expect(signer.verify(clicked(signed), "vote")).resolves.toBeDefined();
    expect((await caught(signer.verify(clicked(signed), "delete"))).message).toMatch(/signed for action "vote"/);
    expect((await caught(signer.verify(clicked(signed, { channel_id: "c2" })))).message).toMatch(/another channel/);
    expect((await caught(signer.verify(clicked(signed, { user_id: "u2" })))).message).toMatch(/another user/);
  });

  it("refuses an expired context and one from the future, and accepts an older secret while rotating", async () => {
    let now = 1_000_000;
    const signer = createActionSigner({ secret: SECRET, maxAge: 60_000, clockSkew: 1_000, now: () => now });
    const signed = signer.sign({ a: 1 }, { action: "x" });
    now += 60_001;
    expect((await caught(signer.verify(clicked(signed)))).message).toMatch(/expired/);
    now -= 70_000;
    expect((await caught(signer.verify(clicked(signed)))).message).toMatch(/future/);
    const rotated = createActionSigner({ secret: "n".repeat(32), previousSecrets: [SECRET], now: () => 1_000_000 });
    await expect(rotated.verify(clicked(signed))).resolves.toBeDefined();
  });

  it("with a replay store, refuses a second use (409), per nonce or per nonce and user", async () => {
    const signer = createActionSigner({ secret: SECRET, replayStore: new MemoryReplayStore() });
    const signed = signer.sign({ a: 1 }, { action: "x" });
    await signer.verify(clicked(signed));
    const again = await caught(signer.verify(clicked(signed)));
    expect(again.status).toBe(409);
    const perUser = createActionSigner({
      secret: SECRET,
      replayStore: new MemoryReplayStore(),
      singleUse: "nonce-and-user",
    });
    const vote = perUser.sign({ a: 1 }, { action: "x" });
    await perUser.verify(clicked(vote));
    await perUser.verify(clicked(vote, { user_id: "u2" }));
    expect((await caught(perUser.verify(clicked(vote)))).status).toBe(409);
  });

  it("keeps the replay store bounded: expired entries go, and a full store refuses (503) instead of forgetting", () => {
    let now = 0;
    const store = new MemoryReplayStore({ maxEntries: 2, now: () => now });
    expect(store.use("a", 10)).toBe(true);
    expect(store.use("b", 10)).toBe(true);
    expect(store.use("a", 10)).toBe(false);
    expect(() => store.use("c", 10)).toThrow(/too many/);
    now = 11;
    expect(store.use("c", 20)).toBe(true);
    expect(store.size).toBeLessThanOrEqual(2);
  });

  it("refuses short secrets, reserved keys and values JSON cannot carry (UsageError)", () => {
    expect(() => createActionSigner({ secret: "short" })).toThrow(UsageError);
    const signer = createActionSigner({ secret: SECRET });
    expect(() => signer.sign({ selected_option: "x" }, { action: "a" })).toThrow(/must not use/);
    expect(() => signer.sign({ n: Number.NaN }, { action: "a" })).toThrow(/JSON cannot carry/);
    expect(() => signer.sign({ d: new Date() }, { action: "a" })).toThrow(UsageError);
    expect(() => signer.sign({}, { action: "a.b" })).toThrow(/binding/);
  });
});
