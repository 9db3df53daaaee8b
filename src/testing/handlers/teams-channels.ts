/** Teams, channels and their members (api4/team.go, api4/channel.go). */
import { Errors } from "../app-error.js";
import { channelParam, type Env, isAdmin, pageOf, requireChannelAccess, requireString, userParam } from "../env.js";
import { isValidId } from "../ids.js";
import { channelJson, channelMemberJson, channelWithTeamJson } from "../records/channels.js";
import { teamJson, teamMemberJson } from "../records/teams.js";
import type { Context, Router } from "../router.js";
import type { ChannelRecord, TeamRecord } from "../store.js";

const NAME = /^[a-z0-9]+([a-z0-9\-_]*[a-z0-9]+)?$/;

function teamParam(ctx: Context, env: Env): TeamRecord {
  const id = ctx.params.team_id;
  if (!isValidId(id)) throw Errors.invalidUrlParam("team_id");
  const team = env.store.teams.get(id);
  if (team?.delete_at !== 0) throw Errors.teamMissing();
  return team;
}

function requireTeamMember(ctx: Context, env: Env, team: TeamRecord): void {
  const me = ctx.me();
  if (!isAdmin(me) && !env.store.isTeamMember(team.id, me.id)) throw Errors.permissions("view_team");
}

/** The team as the reader may see it (app/team.go SanitizeTeam): admins manage it, members may invite. */
function teamFor(ctx: Context, env: Env, team: TeamRecord): Record<string, unknown> {
  const me = ctx.me();
  const member = env.store.teamMembers.get(`${team.id}:${me.id}`);
  if (isAdmin(me) || (member?.delete_at === 0 && member.scheme_admin)) return teamJson(team, "manage");
  return teamJson(team, member?.delete_at === 0 ? "member" : "other");
}

export function registerTeamsAndChannels(router: Router, env: Env): void {
  const { store } = env;

  router.add("POST", "/api/v4/teams", "CreateTeam", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<TeamRecord>>("team");
    const name = typeof body.name === "string" ? body.name : "";
    // model/team.go IsValid: 2 to 64 characters of a-z, 0-9 and -, starting with a letter or digit.
    if (!/^[a-z0-9][a-z0-9-]{1,63}$/.test(name)) throw Errors.teamNameInvalid();
    const displayName = typeof body.display_name === "string" ? body.display_name : "";
    if (displayName === "" || [...displayName].length > 64) throw Errors.teamDisplayNameInvalid();
    if (body.type !== "O" && body.type !== "I") throw Errors.teamTypeInvalid();
    if (store.teamByName(name)) throw Errors.teamExists();
    const team = store.createTeam({
      name,
      display_name: displayName,
      type: body.type,
      description: body.description ?? "",
    });
    store.addTeamMember(team.id, me.id, true);
    // app/team.go: a new team gets town-square and off-topic, and its creator joins both.
    for (const [channelName, displayName] of [
      ["town-square", "Town Square"],
      ["off-topic", "Off-Topic"],
    ]) {
      const channel = store.createChannel({
        team_id: team.id,
        name: channelName,
        display_name: displayName,
        type: "O",
        creator_id: "",
      });
      store.addChannelMember(channel.id, me.id);
    }
    return { status: 201, json: teamJson(team) };
  });

  router.add("GET", "/api/v4/teams", "GetAllTeams", (ctx) => {
    const me = ctx.me();
    const teams = [...store.teams.values()].filter(
      (t) => t.delete_at === 0 && (t.allow_open_invite || isAdmin(me) || store.isTeamMember(t.id, me.id)),
    );
    return { json: pageOf(teams, ctx).map((t) => teamFor(ctx, env, t)) };
  });

  router.add("GET", "/api/v4/teams/{team_id}", "GetTeam", (ctx) => {
    const team = teamParam(ctx, env);
    if (team.type !== "O") requireTeamMember(ctx, env, team);
    return { json: teamFor(ctx, env, team) };
  });

  router.add("GET", "/api/v4/teams/name/{name}", "GetTeamByName", (ctx) => {
    ctx.me();
    const team = store.teamByName(ctx.params.name);
    if (!team) throw Errors.teamByNameMissing();
    if (team.type !== "O") requireTeamMember(ctx, env, team);
    return { json: teamFor(ctx, env, team) };
  });

  router.add("GET", "/api/v4/users/{user_id}/teams", "GetTeamsForUser", (ctx) => {
    const user = userParam(ctx, env);
    const teams = [...store.teams.values()].filter((t) => t.delete_at === 0 && store.isTeamMember(t.id, user.id));
    return { json: teams.map((t) => teamFor(ctx, env, t)) };
  });

  router.add("GET", "/api/v4/teams/{team_id}/members", "GetTeamMembers", (ctx) => {
    const team = teamParam(ctx, env);
    requireTeamMember(ctx, env, team);
    const members = [...store.teamMembers.values()].filter((m) => m.team_id === team.id && m.delete_at === 0);
    return { json: pageOf(members, ctx).map(teamMemberJson) };
  });

  router.add("GET", "/api/v4/teams/{team_id}/members/{user_id}", "GetTeamMember", (ctx) => {
    const team = teamParam(ctx, env);
    requireTeamMember(ctx, env, team);
    const user = userParam(ctx, env);
    const member = store.teamMembers.get(`${team.id}:${user.id}`);
    if (member?.delete_at !== 0) throw Errors.userMissing();
    return { json: teamMemberJson(member) };
  });

  // api4/team.go addTeamMember: a user joins an open team, or a team admin / system admin adds anyone.
  router.add("POST", "/api/v4/teams/{team_id}/members", "AddTeamMember", (ctx) => {
    const team = teamParam(ctx, env);
    const me = ctx.me();
    const body = ctx.json<{ team_id?: string; user_id?: string }>("team_member");
    const userId = requireString(body.user_id, "user_id");
    const user = store.users.get(userId);
    if (!user) throw Errors.userMissing();
    const teamAdmin = store.teamMembers.get(`${team.id}:${me.id}`)?.scheme_admin === true;
    if (!isAdmin(me) && !teamAdmin && !(userId === me.id && team.allow_open_invite)) {
      throw Errors.permissions("add_user_to_team");
    }
    const member = store.addTeamMember(team.id, userId);
    // app/channel.go JoinDefaultChannels: a new member joins town-square and off-topic.
    for (const name of ["town-square", "off-topic"]) {
      const channel = store.channelByName(team.id, name);
      if (channel && !store.isChannelMember(channel.id, userId)) {
        store.addChannelMember(channel.id, userId);
        env.publish("user_added", { user_id: userId, team_id: team.id }, { channel_id: channel.id });
      }
    }
    env.publish("added_to_team", { team_id: team.id, user_id: userId }, { user_id: userId });
    return { status: 201, json: teamMemberJson(member) };
  });

  // Channels.
  router.add("POST", "/api/v4/channels", "CreateChannel", (ctx) => {
    const me = ctx.me();
    const body = ctx.json<Partial<ChannelRecord>>("channel");
    const teamId = requireString(body.team_id, "team_id");
    const team = store.teams.get(teamId);
    if (team?.delete_at !== 0) throw Errors.teamMissing();
    if (!isAdmin(me) && !store.isTeamMember(team.id, me.id)) {
      throw Errors.permissions(body.type === "P" ? "create_private_channel" : "create_public_channel");
    }
    const name = requireString(body.name, "name");
    if (name.length > 64 || !NAME.test(name)) throw Errors.channelNameInvalid();
    if (body.type !== "O" && body.type !== "P") throw Errors.invalidBodyParam("type");
    if (store.channelByName(team.id, name)) throw Errors.channelExists();
    const channel = store.createChannel({
      team_id: team.id,
      name,
      display_name: requireString(body.display_name, "display_name"),
      type: body.type,
      header: body.header ?? "",
      purpose: body.purpose ?? "",
      creator_id: me.id,
    });
    store.addChannelMember(channel.id, me.id, true);
    env.publish("channel_created", { channel_id: channel.id, team_id: team.id }, { user_id: me.id });
    return { status: 201, json: channelJson(channel) };
  });

  // api4/channel.go createDirectChannel: one channel per pair, named by the two ids in order.
  router.add("POST", "/api/v4/channels/direct", "CreateDirectChannel", (ctx) => {
    const me = ctx.me();
    const ids = ctx.json<unknown[]>("user_ids");
    if (!Array.isArray(ids) || ids.length !== 2 || ids.some((id) => typeof id !== "string")) {
      throw Errors.invalidBodyParam("user_ids");
    }
    const [a, b] = (ids as string[]).slice().sort();
    if (!ids.includes(me.id) && !isAdmin(me)) throw Errors.permissions("create_direct_channel");
    for (const id of [a, b]) if (!store.users.get(id)) throw Errors.directInvalidUser();
    const name = `${a}__${b}`;
    const existing = store.channelByName("", name);
    if (existing) return { status: 201, json: channelJson(existing) };
    const channel = store.createChannel({ team_id: "", name, display_name: "", type: "D", creator_id: me.id });
    for (const id of new Set([a, b])) store.addChannelMember(channel.id, id);
    for (const id of new Set([a, b])) {
      env.publish(
        "direct_added",
        { creator_id: me.id, teammate_id: id === a ? b : a },
        { user_id: id, channel_id: channel.id },
      );
    }
    return { status: 201, json: channelJson(channel) };
  });

  router.add("GET", "/api/v4/channels/{channel_id}", "GetChannel", (ctx) => {
    const channel = channelParam(ctx, env);
    requireChannelAccess(ctx, env, channel);
    return { json: channelJson(channel) };
  });

  router.add("GET", "/api/v4/teams/{team_id}/channels/name/{channel_name}", "GetChannelByName", (ctx) => {
    const team = teamParam(ctx, env);
    const channel = store.channelByName(team.id, ctx.params.channel_name);
    if (!channel) throw Errors.channelByNameMissing();
    requireChannelAccess(ctx, env, channel);
    return { json: channelJson(channel) };
  });

  router.add("GET", "/api/v4/teams/{team_id}/channels", "GetPublicChannelsForTeam", (ctx) => {
    const team = teamParam(ctx, env);
    requireTeamMember(ctx, env, team);
    const channels = [...store.channels.values()]
      .filter((c) => c.team_id === team.id && c.type === "O" && c.delete_at === 0)
      .sort((x, y) => x.display_name.localeCompare(y.display_name));
    return { json: pageOf(channels, ctx).map(channelJson) };
  });

  // api4/channel.go getAllChannels: every channel of every team, with the team's names (manage_system).
  router.add("GET", "/api/v4/channels", "GetAllChannels", (ctx) => {
    const me = ctx.me();
    if (!isAdmin(me)) throw Errors.permissions("manage_system");
    const includeDeleted = ctx.query.get("include_deleted") === "true";
    const channels = [...store.channels.values()]
      .filter((c) => c.team_id !== "" && (includeDeleted || c.delete_at === 0))
      .filter((c) => c.type === "O" || ctx.query.get("exclude_private") !== "true")
      .sort((x, y) => x.display_name.localeCompare(y.display_name));
    return { json: pageOf(channels, ctx).map((c) => channelWithTeamJson(c, store.teams.get(c.team_id))) };
  });

  router.add("GET", "/api/v4/users/{user_id}/teams/{team_id}/channels", "GetChannelsForTeamForUser", (ctx) => {
    const user = userParam(ctx, env);
    const me = ctx.me();
    if (me.id !== user.id && !isAdmin(me)) throw Errors.permissions("edit_other_users");
    const team = teamParam(ctx, env);
    const channels = [...store.channels.values()].filter(
      (c) => (c.team_id === team.id || c.team_id === "") && c.delete_at === 0 && store.isChannelMember(c.id, user.id),
    );
    return { json: channels.map(channelJson) };
  });

  router.add("GET", "/api/v4/channels/{channel_id}/members", "GetChannelMembers", (ctx) => {
    const channel = channelParam(ctx, env);
    requireChannelAccess(ctx, env, channel);
    const members = [...store.channelMembers.values()].filter((m) => m.channel_id === channel.id);
    return { json: pageOf(members, ctx).map(channelMemberJson) };
  });

  router.add("GET", "/api/v4/channels/{channel_id}/members/{user_id}", "GetChannelMember", (ctx) => {
    const channel = channelParam(ctx, env);
    requireChannelAccess(ctx, env, channel);
    const user = userParam(ctx, env);
    const member = store.channelMembers.get(`${channel.id}:${user.id}`);
    if (!member) throw Errors.userMissing();
    return { json: channelMemberJson(member) };
  });

  // api4/channel.go addChannelMember: joining an open channel, or adding someone (manage members).
  router.add("POST", "/api/v4/channels/{channel_id}/members", "AddChannelMember", (ctx) => {
    const channel = channelParam(ctx, env);
    const me = ctx.me();
    const body = ctx.json<{ user_id?: string }>("channel_member");
    const userId = requireString(body.user_id, "user_id");
    const user = store.users.get(userId);
    if (!user) throw Errors.userMissing();
    const canManage = isAdmin(me) || store.isChannelMember(channel.id, me.id);
    if (!canManage && !(userId === me.id && channel.type === "O" && store.isTeamMember(channel.team_id, me.id))) {
      throw Errors.permissions(
        channel.type === "P" ? "manage_private_channel_members" : "manage_public_channel_members",
      );
    }
    if (channel.team_id && !store.isTeamMember(channel.team_id, userId)) throw Errors.permissions("view_team");
    const member = store.addChannelMember(channel.id, userId);
    env.publish("user_added", { user_id: userId, team_id: channel.team_id }, { channel_id: channel.id });
    return { status: 201, json: channelMemberJson(member) };
  });
}
