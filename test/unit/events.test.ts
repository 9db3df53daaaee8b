/** The event stream's decoding of the fields the server sends as JSON strings (per event, as it publishes them). */
import { describe, expect, it } from "vitest";
import { decodeData } from "../../src/ws/events.js";

describe("decodeData", () => {
  it("decodes the JSON-string fields of the events that have them", () => {
    const cases: [string, string, unknown][] = [
      ["posted", "post", { id: "p1", message: "hi" }],
      ["channel_member_updated", "channelMember", { channel_id: "c1", user_id: "u1", roles: "channel_user" }],
      ["update_team", "team", { id: "t1", name: "team" }],
      ["delete_team", "team", { id: "t1", delete_at: 5 }],
      ["memberrole_updated", "member", { team_id: "t1", user_id: "u1", roles: "team_admin" }],
      ["preferences_changed", "preferences", [{ user_id: "u1", category: "display", name: "x", value: "y" }]],
      ["thread_updated", "thread", { id: "p1", reply_count: 2 }],
    ];
    for (const [event, field, value] of cases) {
      const data: Record<string, unknown> = { [field]: JSON.stringify(value), other: "{}" };
      decodeData(event, data);
      expect(data[field], event).toEqual(value);
      expect(data.other, `${event} leaves other fields as they are`).toBe("{}");
    }
  });

  it("leaves plain values, fields that are not JSON, and events without encoded fields alone", () => {
    const plain = { user: { id: "u1" } };
    decodeData("user_updated", plain);
    expect(plain).toEqual({ user: { id: "u1" } });
    const broken = { team: "{not json" };
    decodeData("update_team", broken);
    expect(broken.team).toBe("{not json");
    const converted = { channel_id: '"c1"' };
    decodeData("channel_converted", converted);
    expect(converted.channel_id).toBe('"c1"');
  });
});
