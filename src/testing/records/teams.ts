/** Teams and team members as the server keeps and writes them (model team.go, team_member.go). */
import { encode, goShape } from "./wire.js";

export interface TeamRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  display_name: string;
  name: string;
  description: string;
  email: string;
  type: string;
  company_name: string;
  allowed_domains: string;
  invite_id: string;
  allow_open_invite: boolean;
  last_team_icon_update: number;
  /** Pointers, nil (null) for a team created through the API. */
  scheme_id: string | null;
  group_constrained: boolean | null;
  policy_id: string | null;
  cloud_limits_archived: boolean;
}

export const TEAM = goShape<TeamRecord>("Team", "team.go", "2307ab174f57999ef15b31566d5593020846026d", [
  "id",
  "create_at",
  "update_at",
  "delete_at",
  "display_name",
  "name",
  "description",
  "email",
  "type",
  "company_name",
  "allowed_domains",
  "invite_id",
  "allow_open_invite",
  "last_team_icon_update?",
  "scheme_id*",
  "group_constrained*",
  "policy_id*",
  "cloud_limits_archived",
]);

export function newTeam(
  id: string,
  inviteId: string,
  at: number,
  fields: Pick<TeamRecord, "name" | "display_name" | "type"> & Partial<TeamRecord>,
): TeamRecord {
  return {
    id,
    create_at: at,
    update_at: at,
    delete_at: 0,
    description: "",
    email: "",
    company_name: "",
    allowed_domains: "",
    invite_id: inviteId,
    allow_open_invite: fields.type === "O",
    last_team_icon_update: 0,
    scheme_id: null,
    group_constrained: null,
    policy_id: null,
    cloud_limits_archived: false,
    ...fields,
  };
}

/**
 * What a reader sees (app/team.go SanitizeTeam): everything with manage_team (system and team admins); members,
 * who may invite, keep invite_id; anyone else gets Team.Sanitize (team.go): email and invite_id emptied.
 */
export function teamJson(team: TeamRecord, access: "manage" | "member" | "other" = "manage"): Record<string, unknown> {
  if (access === "manage") return encode(TEAM, team);
  return encode(TEAM, { ...team, email: "", invite_id: access === "member" ? team.invite_id : "" });
}

export interface TeamMemberRecord {
  team_id: string;
  user_id: string;
  roles: string;
  delete_at: number;
  scheme_guest: boolean;
  scheme_user: boolean;
  scheme_admin: boolean;
  explicit_roles: string;
}

/** model.TeamMember; its CreateAt is json:"-" and never written. */
export const TEAM_MEMBER = goShape<TeamMemberRecord>(
  "TeamMember",
  "team_member.go",
  "166a676fe55c0852220bc1c4fbf31aebe26e4532",
  ["team_id", "user_id", "roles", "delete_at", "scheme_guest", "scheme_user", "scheme_admin", "explicit_roles"],
);

export function newTeamMember(teamId: string, userId: string, admin: boolean): TeamMemberRecord {
  return {
    team_id: teamId,
    user_id: userId,
    roles: admin ? "team_user team_admin" : "team_user",
    delete_at: 0,
    scheme_guest: false,
    scheme_user: true,
    scheme_admin: admin,
    explicit_roles: "",
  };
}

export const teamMemberJson = (member: TeamMemberRecord) => encode(TEAM_MEMBER, member);
