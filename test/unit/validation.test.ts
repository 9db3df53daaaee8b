import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AsyncClient, ValidationError, type ValidationIssue } from "../../src/index.js";
import { caught } from "../helpers/caught.js";
import { FakeTransport, type Reply } from "../helpers/fake-transport.js";
import { ROOT } from "../helpers/spec.js";

const fixture = (name: string) => JSON.parse(readFileSync(`${ROOT}/../shared/fixtures/${name}`, "utf8"));
const fixturesPresent = (() => {
  try {
    fixture("user.json");
    return true;
  } catch {
    return false;
  }
})();

const post = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  create_at: 1,
  update_at: 1,
  delete_at: 0,
  edit_at: 0,
  user_id: "u",
  channel_id: "c",
  root_id: "",
  original_id: "",
  message: "hello",
  type: "",
  hashtags: "",
  pending_post_id: "",
  is_pinned: false,
  props: {},
  reply_count: 0,
  ...extra,
});

function setup(replies: Reply[], validation?: "lenient" | "strict" | "off") {
  const issues: ValidationIssue[] = [];
  const transport = new FakeTransport(replies);
  const client = new AsyncClient({
    url: "https://c.example",
    auth: { token: "t" },
    transport,
    ...(validation ? { validation } : {}),
    onValidationIssue: (issue) => issues.push(issue),
  });
  return { client, issues };
}

describe("validation", () => {
  it.skipIf(!fixturesPresent)("realistic payloads pass strict validation", async () => {
    const { client } = setup([{ body: fixture("user.json") }, { body: fixture("postlist60.json") }], "strict");
    await expect(client.users.getUser("me")).resolves.toMatchObject({ username: "jane.doe" });
    const list = await client.posts.getPostsForChannel("c");
    expect(list.order).toHaveLength(60);
  });

  it("lenient (default): returns the data as received, unknown keys kept, and reports each mismatch once", async () => {
    const odd = { ...post("p1"), create_at: "yesterday", brand_new_field: { x: 1 } };
    const body = {
      order: ["p1", "p2"],
      posts: { p1: odd, p2: { ...post("p2"), create_at: "today" } },
      next_post_id: "",
      prev_post_id: "",
      first_inaccessible_post_time: 0,
    };
    const { client, issues } = setup([{ body }, { body }]);
    const first = await client.posts.getPostsForChannel("c");
    expect(first).toEqual(body);
    expect((first.posts.p1 as unknown as Record<string, unknown>).brand_new_field).toEqual({ x: 1 });
    await client.posts.getPostsForChannel("c");
    expect(issues).toEqual([
      {
        operation: "GetPostsForChannel",
        schema: "PostList",
        path: "/posts/p1/create_at",
        schemaPath: "posts.*.create_at",
        expected: "integer",
        actual: "string",
      },
    ]);
  });

  it("strict: throws a ValidationError naming the path, what was expected and what came", async () => {
    const { client } = setup([{ body: { id: "u1", username: 42 } }], "strict");
    const error = await caught(client.users.getUser("me"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      /^response of GetUser does not match User at \/\w+: expected .+, got \w+ \(and \d+ more\)$/,
    );
    expect(error.issues.some((i: ValidationIssue) => i.path === "/username" && i.actual === "integer")).toBe(true);
    expect(error.issues.some((i: ValidationIssue) => i.path === "/delete_at" && i.actual === "nothing")).toBe(true);
  });

  it("never copies response values into issues (they can hold secrets)", async () => {
    const { client } = setup(
      [{ body: [{ id: "t", user_id: 123456789, description: "x", is_active: true }] }],
      "strict",
    );
    const error = await caught(client.users.getUserAccessTokensForUser("u"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues[0]).toMatchObject({ path: "/0/user_id", schemaPath: "[].user_id", actual: "integer" });
    expect(`${error.message} ${JSON.stringify(error.issues)}`).not.toContain("123456789");
  });

  it("off: no checks at all; and the mode can be changed per call", async () => {
    const bad = { id: 7 };
    const { client, issues } = setup([{ body: bad }], "off");
    await expect(client.users.getUser("me")).resolves.toEqual(bad);
    expect(issues).toEqual([]);
    await expect(client.users.getUser("me", { validation: "strict" })).rejects.toBeInstanceOf(ValidationError);
    const lenient = setup([{ body: bad }], "strict");
    await expect(lenient.client.users.getUser("me", { validation: "off" })).resolves.toEqual(bad);
  });

  it("a non-JSON answer where JSON was documented: lenient gives the text and reports; strict throws", async () => {
    const reply = { body: "<html>maintenance</html>", headers: { "content-type": "text/html" } };
    const lenient = setup([reply]);
    await expect(lenient.client.users.getUser("me")).resolves.toBe("<html>maintenance</html>");
    expect(lenient.issues[0]).toMatchObject({ operation: "GetUser", expected: "a JSON body" });
    const strict = setup([reply], "strict");
    await expect(strict.client.users.getUser("me")).rejects.toBeInstanceOf(ValidationError);
  });

  it("accepts any 2xx, whatever status the docs name (login is documented 201, answers 200)", async () => {
    const { client } = setup([{ status: 200, body: { id: "u", username: "x" }, headers: { token: "abc" } }], "off");
    await expect(client.users.login({ login_id: "x", password: "y" })).resolves.toMatchObject({ username: "x" });
  });

  it("a hook that throws does not break the call", async () => {
    const transport = new FakeTransport([{ body: { id: 1 } }]);
    const client = new AsyncClient({
      url: "https://c.example",
      transport,
      onValidationIssue: () => {
        throw new Error("hook failed");
      },
    });
    await expect(client.users.getUser("me")).resolves.toEqual({ id: 1 });
  });
});

describe("matterapi/schemas", () => {
  it("has a runtime schema for every inline request body and query, and checks values against them", async () => {
    const { requests, validate, User } = await import("../../src/schemas.js");
    expect(Object.keys(requests).length).toBeGreaterThan(250);
    expect(await validate(requests.CreateTeamBody, { name: "rebels", display_name: "Rebels", type: "I" })).toEqual([]);
    const issues = await validate(requests.CreateTeamBody, { name: "rebels", type: "X" });
    expect(issues.map((i) => [i.path, i.expected])).toEqual([
      ["/display_name", "required property"],
      ["/type", 'one of "O", "I"'],
    ]);
    expect(await validate(requests.GetUsersQuery, { page: "zero" })).toEqual([
      expect.objectContaining({ path: "/page", expected: "integer", actual: "string" }),
    ]);
    expect(await validate(User, { id: "u" })).not.toEqual([]);
  });
});
