/**
 * Section E of spec/overlay.yaml: operations whose answer the spec documents in the wrong kind (JSON, text, bytes,
 * nothing), as a list where the server sends an object or the other way round, or with another schema than the one
 * the api4 handler encodes. These tests show each fix in what the generator writes: the endpoint table the client
 * reads (response kind, schema) and the method's return type.
 */
import { describe, expect, it } from "vitest";
import { generate } from "../../generator/generate.js";
import { OVERLAY_PATH, SPEC_PATH, specAvailable } from "../helpers/spec.js";

const run = specAvailable();
const result = run ? generate(SPEC_PATH, OVERLAY_PATH) : undefined;
const file = (name: string) => {
  const text = result?.files.get(name);
  if (text === undefined) throw new Error(`not generated: ${name}`);
  return text;
};
const line = (group: string, start: string) => {
  const found = file(`groups/${group}.ts`)
    .split("\n")
    .find((l) => l.startsWith(start));
  if (!found) throw new Error(`no line starting ${JSON.stringify(start)} in ${group}`);
  return found;
};
/** The method's signature and its row of the endpoint table. */
const method = (group: string, name: string) => line(group, `  ${name}(`);
const endpoint = (group: string, name: string) => line(group, `${JSON.stringify(name)}:{`);
const operation = (id: string) => {
  const op = result?.model.operations.find((o) => o.id === id);
  if (!op) throw new Error(`no operation ${id}`);
  return op;
};

/** The fixes of section E, by id: each must apply to this spec. */
const SECTION_E = [
  "emoji-by-names-list-of-emoji",
  "brand-image-png-bytes",
  "saml-metadata-xml-text",
  "redirect-location-always-has-location",
  "upload-data-status-200",
  "users-by-group-channels-map",
  "emoji-autocomplete-list",
  "emoji-delete-status-ok",
  "emoji-create-status-200",
  "convert-user-to-bot-answers-bot",
  "revoke-all-sessions-all-users-status-ok",
  "publish-user-typing-status-ok",
  "migrate-auth-ldap-status-ok",
  "migrate-auth-saml-status-ok",
  "logout-status-200",
  "create-user-access-token-status-200",
  "get-user-thread-answer",
  "update-thread-read-answer",
  "set-thread-unread-answer",
  "follow-thread-status-ok",
  "unfollow-thread-status-ok",
  "read-all-threads-status-ok",
  "add-channel-member-one-or-many",
  "search-all-channels-list-or-page",
  "search-team-channels-status-200",
  "channel-members-minus-group-members-answer",
  "channel-member-counts-by-group-answer",
  "sidebar-categories-object",
  "sidebar-categories-update-list",
  "sidebar-category-create-with-channels",
  "sidebar-category-get-with-channels",
  "sidebar-category-update-with-channels",
  "sidebar-category-delete-status-ok",
  "search-teams-list-or-page",
  "add-team-members-graceful",
  "team-members-minus-group-members-answer",
  "flagged-posts-post-list",
  "post-action-trigger-id",
  "regen-outgoing-hook-token-answers-hook",
  "update-incoming-webhook-status-201",
  "convert-bot-to-user-answers-user",
  "update-custom-status-status-ok",
  "unset-custom-status-status-ok",
  "remove-recent-custom-status-status-ok",
  "delete-recent-custom-status-status-ok",
  "save-reaction-status-200",
  "create-group-answer",
  "delete-group-answers-group",
  "restore-group-answers-group",
  "groups-by-channel-page",
  "groups-by-team-page",
  "upgrade-to-enterprise-status-ok",
  "upgrade-allowed-status-ok",
  "remove-license-status-ok",
  "request-trial-license-status-ok",
  "prev-trial-license-map",
];

describe.skipIf(!run)("answers as the api4 handlers write them (overlay section E)", () => {
  it("applies every fix of the section to this spec", () => {
    const applied = new Set(result?.report.applied);
    expect(SECTION_E.filter((id) => !applied.has(id))).toEqual([]);
    expect(result?.report.skipped.filter((s) => SECTION_E.includes(s.id))).toEqual([]);
  });

  it("getBrandImage downloads the PNG: bytes, never parsed", () => {
    expect(endpoint("brand", "getBrandImage")).toContain('"response":"binary"');
    expect(endpoint("brand", "getBrandImage")).not.toContain('"schema":');
    expect(method("brand", "getBrandImage")).toContain("): BinaryPromise;");
    expect(operation("GetBrandImage").response.mediaType).toBe("image/png");
  });

  it("getSamlMetadata reads the XML as text", () => {
    expect(endpoint("saml", "getSamlMetadata")).toContain('"response":"text"');
    expect(method("saml", "getSamlMetadata")).toContain("): ApiPromise<string>;");
  });

  it("getEmojisByNames and autocompleteEmoji answer lists of Emoji; deleteEmoji a status", () => {
    expect(file("models/emoji.ts")).toContain("export type GetEmojisByNamesResponse = Emoji[];");
    expect(file("models/emoji.ts")).toContain("export type AutocompleteEmojiResponse = Emoji[];");
    expect(method("emoji", "deleteEmoji")).toContain("ApiPromise<M.StatusOK>");
  });

  it("getRedirectLocation is JSON whose location is always there", () => {
    expect(endpoint("system", "getRedirectLocation")).toContain('"response":"json"');
    expect(file("models/system.ts")).toMatch(
      /export interface GetRedirectLocationResponse \{\n {2}location: string;\n\}/,
    );
  });

  it("uploadData sends raw bytes and answers the FileInfo (200) or nothing (204)", () => {
    expect(endpoint("uploads", "uploadData")).toContain('"body":"binary"');
    expect(endpoint("uploads", "uploadData")).toContain('"schema":"FileInfo"');
    expect(method("uploads", "uploadData")).toContain("body?: Uploadable");
    expect(operation("UploadData").response.status).toBe("200");
  });

  it("getUsersByGroupChannelIds answers a map from channel id to users", () => {
    expect(file("models/users.ts")).toContain(
      "export type GetUsersByGroupChannelIdsResponse = Record<string, User[]>;",
    );
    expect(file("models/users.ts")).not.toContain("<CHANNEL_ID>");
  });

  it("lists and objects as the server sends them", () => {
    expect(method("posts", "getFlaggedPostsForUser")).toContain("ApiPromise<M.PostList>");
    expect(endpoint("posts", "iterFlaggedPostsForUser")).toContain('"postList":true');
    expect(method("channels", "getSidebarCategoriesForTeamForUser")).toContain(
      "ApiPromise<M.OrderedSidebarCategories>",
    );
    expect(file("response-schemas.ts")).toContain(
      'export const UpdateSidebarCategoriesForTeamForUserResponse: Schema = { type: "array", items: S.SidebarCategoryWithChannels };',
    );
    for (const name of ["getGroupsByChannel", "getGroupsByTeam"]) {
      expect(endpoint("groups", `iter${name.slice(3)}`)).toContain('"items":"groups"');
    }
    expect(endpoint("channels", "iterChannelMembersMinusGroupMembers")).toContain('"items":"users"');
    expect(endpoint("channels", "getChannelMemberCountsByGroup")).toContain('"response":"json"');
  });

  it("answers that are one thing or another are unions", () => {
    expect(file("response-schemas.ts")).toContain(
      'export const AddChannelMemberResponse: Schema = { oneOf: [S.ChannelMember, { type: "array", items: S.ChannelMember }] };',
    );
    expect(file("response-schemas.ts")).toMatch(
      /export const SearchAllChannelsResponse: Schema = \{ oneOf: \[\{ type: "array"/,
    );
    expect(file("response-schemas.ts")).toMatch(
      /export const SearchTeamsResponse: Schema = \{ oneOf: \[\{ type: "array"/,
    );
    expect(file("response-schemas.ts")).toMatch(/export const AddTeamMembersResponse: Schema = \{ anyOf: \[/);
  });

  it("handlers that answer an object, not a status, are typed with it", () => {
    expect(method("bots", "convertUserToBot")).toContain("ApiPromise<M.Bot>");
    expect(method("bots", "convertBotToUser")).toContain("ApiPromise<M.User>");
    expect(method("webhooks", "regenOutgoingHookToken")).toContain("ApiPromise<M.OutgoingWebhook>");
    for (const name of ["createGroup", "deleteGroup", "restoreGroup"]) {
      expect(method("groups", name)).toContain("ApiPromise<M.Group>");
    }
    expect(file("response-schemas.ts")).toMatch(/export const DoPostActionResponse: Schema = \{[^\n]*"trigger_id"/);
    for (const name of ["getUserThread", "updateThreadReadForUser", "setThreadUnreadByPostId"]) {
      expect(method("threads", name)).toContain("ApiPromise<M.UserThread>");
    }
  });

  it("answers documented without a body are typed: {status: OK} and the trial license map", () => {
    const statusOk: [string, string][] = [
      ["users", "revokeSessionsFromAllUsers"],
      ["users", "publishUserTyping"],
      ["users", "migrateAuthToLdap"],
      ["users", "migrateAuthToSaml"],
      ["threads", "startFollowingThread"],
      ["threads", "stopFollowingThread"],
      ["threads", "updateThreadsReadForUser"],
      ["status", "updateUserCustomStatus"],
      ["status", "unsetUserCustomStatus"],
      ["status", "removeRecentCustomStatus"],
      ["status", "postUserRecentCustomStatusDelete"],
      ["channels", "removeSidebarCategoryForTeamForUser"],
      ["system", "upgradeToEnterprise"],
      ["system", "isAllowedToUpgradeToEnterprise"],
      ["system", "removeLicenseFile"],
      ["system", "requestTrialLicense"],
    ];
    for (const [group, name] of statusOk) expect(method(group, name), name).toContain("ApiPromise<M.StatusOK>");
    expect(file("models/system.ts")).toContain("export type GetPrevTrialLicenseResponse = Record<string, string>;");
  });

  it("success statuses follow the handlers", () => {
    const statuses = Object.fromEntries(
      ["CreateEmoji", "Logout", "CreateUserAccessToken", "SearchChannels", "SaveReaction", "UpdateIncomingWebhook"].map(
        (id) => [id, operation(id).response.status],
      ),
    );
    expect(statuses).toEqual({
      CreateEmoji: "200",
      Logout: "200",
      CreateUserAccessToken: "200",
      SearchChannels: "200",
      SaveReaction: "200",
      UpdateIncomingWebhook: "201",
    });
  });
});
