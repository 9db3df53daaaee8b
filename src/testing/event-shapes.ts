/**
 * The records events carry, checked like HTTP answers: the server JSON-encodes a post, a reaction, a member ...
 * into a string field of the event's data (app/notification.go, app/reaction.go, app/preference.go,
 * app/channel.go, app/team.go), so the fake checks the decoded value against the same model in strict mode.
 */
import type { Schema } from "../core/schema.js";
import type { ResponseValidator } from "../core/validation.js";
import * as S from "../generated/schemas.js";

const preferences: Schema = { type: "array", items: S.Preference };

/** The JSON-encoded record fields of each event, and their models. */
const EMBEDDED: Record<string, Record<string, Schema>> = {
  posted: { post: S.Post },
  post_edited: { post: S.Post },
  post_deleted: { post: S.Post },
  ephemeral_message: { post: S.Post },
  reaction_added: { reaction: S.Reaction },
  reaction_removed: { reaction: S.Reaction },
  preferences_changed: { preferences },
  preferences_deleted: { preferences },
  channel_member_updated: { channelMember: S.ChannelMember },
  channel_updated: { channel: S.Channel },
  update_team: { team: S.Team },
  delete_team: { team: S.Team },
  memberrole_updated: { member: S.TeamMember },
};

/** Problems with an event's embedded records (none when it has none or they match). */
export function checkEvent(validator: ResponseValidator, event: string, data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [field, schema] of Object.entries(EMBEDDED[event] ?? {})) {
    const raw = data[field];
    if (raw === undefined) continue;
    try {
      validator.check(schema, typeof raw === "string" ? JSON.parse(raw) : raw, "strict", `event ${event}.${field}`);
    } catch (error) {
      problems.push(`event ${event}.${field}: ${(error as Error).message}`);
    }
  }
  return problems;
}
