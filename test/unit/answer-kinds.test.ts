/**
 * The six operations whose documented answer was the wrong kind (spec/overlay.yaml, section E), called through the
 * real client against a transport that answers as the server's api4 handler does: the brand image as PNG bytes, the
 * SAML metadata as XML, emoji by name as a list of Emoji, the redirect location as {location}, the resumable upload
 * fed with raw bytes, and the group channels' members as a map. Each JSON answer goes through strict validation.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { AsyncClient, type Emoji, type User, ValidationError, type ValidationIssue } from "../../src/index.js";
import { FakeTransport, type Reply } from "../helpers/fake-transport.js";

function setup(replies: Reply[]) {
  const issues: ValidationIssue[] = [];
  const transport = new FakeTransport(replies);
  const client = new AsyncClient({
    url: "https://chat.example.com",
    auth: { token: "t" },
    transport,
    validation: "strict",
    maxRetries: 0,
    onValidationIssue: (issue) => issues.push(issue),
  });
  return { client, transport, issues };
}

// Answers written field by field from the Go structs the handlers encode (server/public/model: emoji.go Emoji,
// user.go User, file_info.go FileInfo): every field without omitempty is there, as the server always sends it.
const emoji = (id: string, name: string) => ({
  id,
  create_at: 1_700_000_000_000,
  update_at: 1_700_000_000_000,
  delete_at: 0,
  creator_id: "creator0000000000000000000",
  name,
  description: "",
});

const user = (id: string, username: string) => ({
  id,
  create_at: 1_690_000_000_000,
  update_at: 1_690_000_000_000,
  delete_at: 0,
  username,
  auth_service: "",
  email: `${username}@example.com`,
  nickname: "",
  first_name: username,
  last_name: "",
  position: "",
  roles: "system_user",
  locale: "en",
  timezone: { automaticTimezone: "", manualTimezone: "", useAutomaticTimezone: "true" },
  disable_welcome_email: false,
});

const fileInfo = {
  id: "file000000000000000000000a",
  user_id: "user0000000000000000000001",
  channel_id: "chan0000000000000000000001",
  create_at: 1_700_000_000_000,
  update_at: 1_700_000_000_000,
  delete_at: 0,
  name: "notes.bin",
  extension: "bin",
  size: 6,
  mime_type: "application/octet-stream",
  mini_preview: null,
  remote_id: null,
  archived: false,
};

describe("answers of the kind the server writes", () => {
  it("getBrandImage returns the PNG bytes (api4/brand.go: Content-Type image/png)", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff]);
    const { client, transport, issues } = setup([{ body: png, headers: { "content-type": "image/png" } }]);
    const data = await client.brand.getBrandImage();
    expectTypeOf(data).toEqualTypeOf<Uint8Array>();
    expect(data).toBeInstanceOf(Uint8Array);
    expect([...data]).toEqual([...png]);
    const request = transport.requests[0];
    expect(request.method).toBe("GET");
    expect(request.url).toBe("https://chat.example.com/api/v4/brand/image");
    expect(request.headers.accept).toBe("*/*");
    expect(issues).toEqual([]);
  });

  it("getBrandImage streams the image too", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const { client } = setup([{ body: png, headers: { "content-type": "image/png" } }]);
    const reader = (await client.brand.getBrandImage().stream()).getReader();
    const chunks: number[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(...r.value);
    expect(chunks).toEqual([...png]);
  });

  it("getSamlMetadata returns the XML as text (api4/saml.go: Content-Type application/xml)", async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://chat.example.com/login/sso/saml">' +
      "<md:SPSSODescriptor/></md:EntityDescriptor>";
    const { client, transport, issues } = setup([
      {
        body: xml,
        headers: { "content-type": "application/xml", "content-disposition": 'attachment; filename="metadata.xml"' },
      },
    ]);
    const metadata = await client.saml.getSamlMetadata();
    expectTypeOf(metadata).toEqualTypeOf<string>();
    expect(metadata).toBe(xml);
    expect(transport.requests[0].url).toBe("https://chat.example.com/api/v4/saml/metadata");
    expect(transport.requests[0].headers.accept).toBe("*/*");
    expect(issues).toEqual([]);
  });

  it("getEmojisByNames returns Emoji, not users, and they pass strict validation", async () => {
    const found = [emoji("emoji00000000000000000000a", "party_parrot"), emoji("emoji00000000000000000000b", "shipit")];
    const { client, transport, issues } = setup([{ body: found }]);
    const list = await client.emoji.getEmojisByNames(["party_parrot", "shipit"]);
    expectTypeOf(list).toEqualTypeOf<Emoji[]>();
    expect(list).toEqual(found);
    const request = transport.requests[0];
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://chat.example.com/api/v4/emoji/names");
    expect(JSON.parse(request.bodyText ?? "")).toEqual(["party_parrot", "shipit"]);
    expect(issues).toEqual([]);
  });

  it("getEmojisByNames: a user where an Emoji belongs fails strict validation", async () => {
    const { client } = setup([{ body: [user("user0000000000000000000001", "jane")] }]);
    await expect(client.emoji.getEmojisByNames(["jane"])).rejects.toBeInstanceOf(ValidationError);
  });

  it("getRedirectLocation returns JSON {location}, also when there is none", async () => {
    const { client, transport, issues } = setup([
      { body: { location: "https://example.com/final" } },
      { body: { location: "" } },
    ]);
    const found = await client.system.getRedirectLocation({ url: "https://short.example/x" });
    expectTypeOf(found.location).toEqualTypeOf<string>();
    expect(found).toEqual({ location: "https://example.com/final" });
    expect(transport.requests[0].url).toBe(
      "https://chat.example.com/api/v4/redirect_location?url=https%3A%2F%2Fshort.example%2Fx",
    );
    expect(transport.requests[0].headers.accept).not.toBe("*/*");
    await expect(client.system.getRedirectLocation({ url: "https://nowhere.example" })).resolves.toEqual({
      location: "",
    });
    expect(issues).toEqual([]);
  });

  it("uploadData sends the raw bytes, not a form, and returns the FileInfo of the finished file", async () => {
    const chunk = new Uint8Array([0, 1, 2, 0xfe, 0xff, 0x80]);
    const { client, transport, issues } = setup([{ body: fileInfo }]);
    const info = await client.uploads.uploadData("upload0000000000000000000a", chunk);
    expect(info).toEqual(fileInfo);
    const request = transport.requests[0];
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://chat.example.com/api/v4/uploads/upload0000000000000000000a");
    expect(request.headers["content-type"]).toBe("application/octet-stream");
    expect(request.body).toBeInstanceOf(Uint8Array);
    expect([...(request.body as Uint8Array)]).toEqual([...chunk]);
    expect(issues).toEqual([]);
  });

  it("uploadData: an incomplete upload answers 204 with no body", async () => {
    const { client, transport } = setup([{ status: 204 }]);
    await expect(client.uploads.uploadData("upload0000000000000000000a", new Uint8Array([7]))).resolves.toBeUndefined();
    expect(transport.requests[0].headers["content-type"]).not.toMatch(/multipart|x-www-form-urlencoded/);
  });

  it("getUsersByGroupChannelIds returns a map from channel id to that channel's users", async () => {
    const jane = user("user0000000000000000000001", "jane");
    const joe = user("user0000000000000000000002", "joe");
    const ann = user("user0000000000000000000003", "ann");
    const answer = {
      gm00000000000000000000000a: [jane, joe],
      gm00000000000000000000000b: [jane, ann],
    };
    const { client, transport, issues } = setup([{ body: answer }]);
    const byChannel = await client.users.getUsersByGroupChannelIds([
      "gm00000000000000000000000a",
      "gm00000000000000000000000b",
    ]);
    expectTypeOf(byChannel).toEqualTypeOf<Record<string, User[]>>();
    expect(Object.keys(byChannel).sort()).toEqual(["gm00000000000000000000000a", "gm00000000000000000000000b"]);
    expect(byChannel.gm00000000000000000000000a.map((u) => u.username)).toEqual(["jane", "joe"]);
    expect(byChannel.gm00000000000000000000000b.map((u) => u.username)).toEqual(["jane", "ann"]);
    expect(JSON.parse(transport.requests[0].bodyText ?? "")).toEqual([
      "gm00000000000000000000000a",
      "gm00000000000000000000000b",
    ]);
    expect(issues).toEqual([]);
  });
});
