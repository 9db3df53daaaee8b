/**
 * Each item of KNOWN-SPEC-ISSUES.md is handled in spec/overlay.yaml; these tests show each fix in what the
 * generator writes (types, endpoint tables, method signatures), not just in the patched document.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import { loadOverlay } from "../../generator/overlay.js";
import { OVERLAY_PATH, SPEC_PATH, specAvailable } from "../helpers/spec.js";

const run = specAvailable();
const result = run ? generate(SPEC_PATH, OVERLAY_PATH) : undefined;
const file = (name: string) => {
  const text = result?.files.get(name);
  if (text === undefined) throw new Error(`not generated: ${name}`);
  return text;
};
/** The text of one generated declaration or method, to assert on its shape. */
const block = (name: string, start: string) => {
  const text = file(name);
  const at = text.indexOf(start);
  if (at < 0) throw new Error(`${start} not found in ${name}`);
  const end = text.indexOf("\n}", at);
  return text.slice(at, end < 0 ? undefined : end + 2);
};
const method = (group: string, name: string) => {
  const text = file(`groups/${group}.ts`);
  const line = text.split("\n").find((l) => l.startsWith(`  ${name}(`));
  if (!line) throw new Error(`no method ${name} in ${group}`);
  return line;
};
const endpoint = (group: string, name: string) => {
  const line = file(`groups/${group}.ts`)
    .split("\n")
    .find((l) => l.startsWith(`${JSON.stringify(name)}:{`));
  if (!line) throw new Error(`no endpoint ${name} in ${group}`);
  return line;
};

describe.skipIf(!run)("the overlay, seen in the generated code", () => {
  it("applies every fix to this spec, and accounts for every duplicate key", () => {
    expect(result?.report.skipped).toEqual([]);
    expect(result?.report.unhandledDuplicates).toEqual([]);
    expect(result?.warnings).toEqual([]);
  });

  it("answers every item of KNOWN-SPEC-ISSUES.md", () => {
    const known = readFileSync(SPEC_PATH.replace(/[^/]+$/, "KNOWN-SPEC-ISSUES.md"), "utf8");
    const items = [...known.matchAll(/^([A-C]\d+)\. /gm)].map((m) => m[1]);
    expect(items).toHaveLength(18);
    const answered = new Set(loadOverlay(OVERLAY_PATH).fixes.map((f) => f.issue));
    expect(items.filter((i) => !answered.has(i))).toEqual([]);
  });

  it("A1: the duplicated path is one method, in the shared channels group", () => {
    const duplicate = result?.report.applied.includes("duplicate-shared-channel-remotes-path");
    expect(duplicate).toBe(true);
    const hits = [...(result?.files.entries() ?? [])].filter(
      ([name, text]) => name.startsWith("groups/") && text.includes("  getSharedChannelRemotes("),
    );
    expect(hits.map(([name]) => name)).toEqual(["groups/sharedChannels.ts"]);
  });

  it("A2: the bookmark operations keep their real request bodies", () => {
    expect(method("bookmarks", "createChannelBookmark")).toContain("body: M.CreateChannelBookmarkBody");
    expect(method("bookmarks", "updateChannelBookmark")).toContain("body: M.UpdateChannelBookmarkBody");
    expect(method("bookmarks", "updateChannelBookmarkSortOrder")).toContain(
      "body?: M.UpdateChannelBookmarkSortOrderBody",
    );
  });

  it("A3: ListCPAValues answers a list of {field_id, value}", () => {
    expect(method("customProfileAttributes", "listCPAValues")).toContain("ApiPromise<M.ListCPAValuesResponse>");
    expect(file("models/customProfileAttributes.ts")).toMatch(
      /\nexport type ListCPAValuesResponse = \{\n\s+field_id\?: string;\n\s+value\?: string \| string\[\];\n\}\[\];/,
    );
  });

  it("A4: ContentFlaggingConfig has its three settings objects beside EnableContentFlagging", () => {
    const type = block("models/contentFlagging.ts", "export interface ContentFlaggingConfig");
    expect(type).toContain("EnableContentFlagging?: boolean;");
    expect(type).toContain("NotificationSettings?: NotificationSettings;");
    expect(type).toContain("AdditionalSettings?: AdditionalSettings;");
    expect(type).toContain("ReviewerSettings?: ReviewerSettings;");
  });

  it("B1: undeclared path parameters become positional arguments", () => {
    expect(method("users", "resetPasswordFailedAttempts")).toMatch(
      /^ {2}resetPasswordFailedAttempts\(userId: string, options/,
    );
    expect(method("remoteClusters", "generateRemoteClusterInvite")).toMatch(/\(remoteId: string, body/);
    expect(method("oauth", "getOutgoingOAuthConnection")).toMatch(/\(connectionId: string, query/);
    expect(method("oauth", "updateOutgoingOAuthConnection")).toMatch(/\(connectionId: string, /);
    expect(method("oauth", "deleteOutgoingOAuthConnection")).toMatch(/\(connectionId: string, /);
    expect(method("scheduledPost", "getUserScheduledPosts")).toMatch(/\(teamId: string, query/);
  });

  it("B2: SearchFiles and SearchTeamFiles are two methods", () => {
    expect(endpoint("files", "searchFiles")).toContain('"path":"/api/v4/files/search"');
    expect(endpoint("teams", "searchTeamFiles")).toContain('"path":"/api/v4/teams/{team_id}/files/search"');
  });

  it("B3: the mistyped shapes are fixed", () => {
    expect(file("models/users.ts")).toContain("export type KnownUsers = string[];");
    // Required now: the server always sends it (server facts, spec/server/).
    expect(block("models/cluster.ts", "export interface ClusterInfo")).toContain("hostname: string;");
    const images = block("models/threads.ts", "export interface PostMetadata");
    expect(images).toMatch(
      /images\?: Record<string, \{\n\s+height\?: number;\n\s+width\?: number;\n\s+format\?: string;\n\s+frame_count\?: number;/,
    );
    expect(file("models/system.ts")).toContain("export type PostLogResponse = Record<string, string>;");
    expect(method("scheduledPost", "createScheduledPost")).toContain("ApiPromise<M.ScheduledPost>");
    expect(method("scheduledPost", "updateScheduledPost")).toContain("ApiPromise<M.ScheduledPost>");
    expect(method("scheduledPost", "deleteScheduledPost")).toContain("ApiPromise<M.ScheduledPost>");
  });

  it("B4: PluginStatus.state is the number the server sends", () => {
    // The server's enum is open: its values are listed for the type, never checked (a newer server may add one).
    expect(block("models/plugins.ts", "export interface PluginStatus")).toContain(
      "state: 0 | 1 | 2 | 3 | 4 | 5 | (number & {});",
    );
    expect(file("schemas.ts")).toMatch(/"PluginStatus".*"state": \{ type: "integer" \}/);
  });

  it("C1: the content flagging operations have stable names", () => {
    for (const name of [
      "getContentFlaggingFlagConfig",
      "getContentFlaggingTeamStatus",
      "flagPost",
      "getContentFlaggingFields",
      "getFlaggedPostFieldValues",
      "getFlaggedPost",
      "removeFlaggedPost",
      "keepFlaggedPost",
      "getContentFlaggingConfig",
      "updateContentFlaggingConfig",
      "searchContentReviewers",
      "assignContentReviewer",
    ]) {
      expect(method("contentFlagging", name)).toBeTruthy();
    }
  });

  it("C2 and C3: downloads return bytes; JSON without a schema is unknown", () => {
    expect(method("files", "getFile")).toContain("BinaryPromise");
    expect(method("files", "getFilePublic")).toContain("BinaryPromise");
    expect(method("exports", "downloadExport")).toContain("BinaryPromise");
    expect(method("users", "getProfileImage")).toContain("BinaryPromise");
    expect(method("bots", "getBotIconImage")).toContain("BinaryPromise");
    expect(endpoint("files", "getFile")).toContain('"response":"binary"');
    expect(method("imports", "listImports")).toContain("ApiPromise<M.ListImportsResponse>");
    expect(method("system", "getClientConfig")).toContain("ApiPromise<M.GetClientConfigResponse>");
    expect(file("models/system.ts")).toContain("export type GetClientConfigResponse = Record<string, string>;");
    expect(method("system", "getAnalyticsOld")).toContain("ApiPromise<unknown>");
  });

  it("C4: redirect_location is JSON, upload data is raw bytes", () => {
    expect(method("system", "getRedirectLocation")).toContain("ApiPromise<M.GetRedirectLocationResponse>");
    expect(method("uploads", "uploadData")).toContain("body?: Uploadable");
    expect(endpoint("uploads", "uploadData")).toContain('"body":"binary"');
  });

  it("C5: ProductLimits fields are nullable", () => {
    const type = block("models/cloud.ts", "export interface ProductLimits");
    for (const field of ["boards", "files", "integrations", "messages", "teams"])
      expect(type).toMatch(new RegExp(`${field}\\?: \\w+ \\| null;`));
  });

  it("C6: tags become groups once, case and spelling normalised, every operation once", () => {
    const groups = [...(result?.model.groups.keys() ?? [])];
    expect(groups).toContain("oauth");
    expect(groups).toContain("sharedChannels");
    expect(groups).toContain("contentFlagging");
    expect(groups).not.toContain("oAuth");
    expect(groups).not.toContain("OAuth");
    const names = result?.model.operations.map((o) => `${o.group}.${o.name}`) ?? [];
    expect(new Set(names).size).toBe(512);
    expect(result?.model.operations).toHaveLength(512);
  });

  it("C8: unused schemas still get types", () => {
    expect(file("models/unreferenced.ts")).toContain("export interface OpenGraph");
  });

  it("C10: login-like operations send no token", () => {
    expect(endpoint("users", "login")).toContain('"auth":false');
    expect(endpoint("system", "getPing")).toContain('"auth":false');
    expect(endpoint("users", "getUser")).not.toContain('"auth":false');
  });

  it("the server's disagreements: login answers 200 and ldap_only is a string", () => {
    const body = block("models/users.ts", "export interface LoginBody");
    expect(body).toContain('ldap_only?: "true" | "false" | undefined;');
    expect(body).toContain(
      "/** The MFA code, when the user has multi-factor authentication enabled. */\n  token?: string | undefined;",
    );
  });

  it("core models have the fields the server always sends as required", () => {
    const user = block("models/users.ts", "export interface User ");
    expect(user).toMatch(/\n {2}id: string;/);
    expect(user).toMatch(/\n {2}username: string;/);
    expect(user).toMatch(/\n {2}create_at\?: number;/);
    const post = block("models/threads.ts", "export interface Post ");
    expect(post).toMatch(/\n {2}message: string;/);
    expect(post).toMatch(/\n {2}channel_id: string;/);
  });
});
