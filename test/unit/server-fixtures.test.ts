/**
 * Answers shaped as the Mattermost server writes them (test/fixtures/server/*.json, each written from the Go model
 * structs it cites), run through the operation each one names, in strict and in lenient mode. Our models come from
 * the OpenAPI spec, so a failure here is a place where the spec's model rejects what the server really sends: the
 * to-do list of issue 9. See test/fixtures/server/README.md for how the fixtures were written.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Endpoint } from "../../src/core/client-core.js";
import type { GroupTable } from "../../src/core/group.js";
import { groupTables } from "../../src/generated/groups/index.js";
import { AsyncClient, ValidationError, type ValidationIssue } from "../../src/index.js";
import { FakeTransport } from "../helpers/fake-transport.js";
import { ROOT } from "../helpers/spec.js";

const DIR = join(ROOT, "test/fixtures/server");

interface Source {
  file: string;
  commit: string;
  /** Set for server code outside the model package (app, api4, store) and for libraries. */
  repo?: string;
  fact?: string;
}

interface Fixture {
  name: string;
  /** "<group>.<method>", as on a client: client.users.getUser. */
  operation: string;
  /** The path parameters, in order. */
  args: string[];
  note?: string;
  source: Source[];
  status: number;
  body: unknown;
}

const fixtures: Fixture[] = readdirSync(DIR)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => ({ name: file.replace(/\.json$/, ""), ...JSON.parse(readFileSync(join(DIR, file), "utf8")) }));

/** Request bodies for the operations that send one, taken from the answer: only the answer is under test. */
const BODIES: Record<string, (answer: unknown) => unknown> = {
  "commands.createCommand": (answer) => {
    const { team_id, trigger, method, url } = answer as Record<string, string>;
    return { team_id, trigger, method, url };
  },
  "posts.searchPosts": () => ({ terms: "hyperdrive", is_or_search: false }),
  "status.getUsersStatusesByIds": (answer) => (answer as { user_id: string }[]).map((status) => status.user_id),
};

function endpointOf(operation: string): Endpoint | undefined {
  const [group, method] = operation.split(".");
  const table = (groupTables as Record<string, GroupTable>)[group];
  const entry = table?.[method];
  return entry && !("iterate" in entry) ? entry : undefined;
}

type Mode = "strict" | "lenient";

function setup(fixture: Fixture, validation: Mode) {
  const issues: ValidationIssue[] = [];
  const transport = new FakeTransport([{ status: fixture.status, body: fixture.body }]);
  const client = new AsyncClient({
    url: "https://chat.example.com",
    auth: { token: "t" },
    transport,
    validation,
    maxRetries: 0,
    onValidationIssue: (issue) => issues.push(issue),
  });
  return { client, transport, issues };
}

/** Calls the fixture's operation the way a user would: path parameters, then the body and query when it takes them. */
function call(client: AsyncClient, fixture: Fixture): Promise<unknown> {
  const [group, method] = fixture.operation.split(".");
  const ep = endpointOf(fixture.operation)!;
  const args: unknown[] = [...fixture.args];
  if (ep.body) args.push(BODIES[fixture.operation]?.(fixture.body) ?? {});
  if (ep.query) args.push(undefined);
  const groups = client as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
  return groups[group][method](...args);
}

/** One line per issue, so a failing test reads as the list of mismatches. */
const lines = (issues: readonly ValidationIssue[]) =>
  issues.map((i) => `${i.path || "/"}: expected ${i.expected}, got ${i.actual}`);

describe("server fixtures", () => {
  it("are there, each naming an existing operation with its path parameters and citing its sources", () => {
    expect(fixtures.length).toBeGreaterThan(30);
    for (const fixture of fixtures) {
      const ep = endpointOf(fixture.operation);
      expect(ep, `${fixture.name}: no operation ${fixture.operation}`).toBeDefined();
      expect(fixture.args, fixture.name).toHaveLength(ep!.path.split("{").length - 1);
      expect(fixture.status, fixture.name).toBeGreaterThanOrEqual(200);
      expect(fixture.status, fixture.name).toBeLessThan(300);
      expect(fixture.source.length, fixture.name).toBeGreaterThan(0);
      for (const source of fixture.source) {
        expect(source.file, fixture.name).toMatch(/\.go$/);
        expect(source.commit, `${fixture.name}: ${source.file}`).toMatch(/^[0-9a-f]{40}$/);
      }
    }
  });

  describe.each(fixtures)("$name ($operation)", (fixture) => {
    const ep = endpointOf(fixture.operation);

    it("has a response schema to check the answer against", () => {
      expect(ep?.schema, `${fixture.operation} is documented without a JSON response schema`).toBeDefined();
    });

    it("strict: the answer passes validation", async () => {
      const { client, transport } = setup(fixture, "strict");
      const outcome = await call(client, fixture).then(
        () => undefined,
        (error: unknown) => error,
      );
      const request = transport.requests[0];
      expect(request.method).toBe(ep!.method);
      for (const arg of fixture.args) expect(request.url).toContain(`/${arg}`);
      if (outcome !== undefined && !(outcome instanceof ValidationError)) throw outcome;
      expect(lines(outcome?.issues ?? [])).toEqual([]);
    });

    it("lenient: the answer comes back as sent, and no issue is reported", async () => {
      const { client, issues } = setup(fixture, "lenient");
      await expect(call(client, fixture)).resolves.toEqual(fixture.body);
      expect(lines(issues)).toEqual([]);
    });
  });
});
