/**
 * Server events are a union discriminated by `event`: comparing the name narrows the data wherever events come out
 * (for await, startWs, startWsSync, on), a misspelled name is a compile error, and events of names the types do not
 * know still have a member of their own that does not stop the narrowing.
 */
import { describe, expectTypeOf, test } from "vitest";
import type { Post, Reaction } from "../../src/generated/models/index.js";
import {
  type AnyServerEvent,
  AsyncClient,
  type PostedData,
  type ServerEvent,
  type SyncClient,
} from "../../src/index.js";
import type { MattermostWebSocket } from "../../src/ws/client.js";
import type {
  EventDataMap,
  EventOf,
  KnownEventName,
  PluginServerEvent,
  UnknownServerEvent,
} from "../../src/ws/events.js";
import { waitForEvent } from "../../src/ws/waiters.js";

declare const ws: MattermostWebSocket;
const client = new AsyncClient({ url: "http://localhost", auth: { token: "t" } });

describe("narrowing by name", () => {
  test("for await narrows on event === name", async () => {
    for await (const e of ws) {
      if (e.event === "posted") {
        expectTypeOf(e).toEqualTypeOf<ServerEvent<"posted">>();
        expectTypeOf(e.data.post).toEqualTypeOf<Post>();
        expectTypeOf(e.data.mentions).toEqualTypeOf<string[] | undefined>();
      } else if (e.event === "reaction_added") {
        expectTypeOf(e.data.reaction).toEqualTypeOf<Reaction>();
      } else if (e.event === "channel_scheme_updated") {
        // A server name without a data type of its own: a record.
        expectTypeOf(e.data).toEqualTypeOf<Record<string, unknown>>();
      } else if (e.event === "custom_com.example.plugin_ready") {
        expectTypeOf(e).toEqualTypeOf<PluginServerEvent>();
      }
    }
  });

  test("a switch narrows each case, and the default keeps the plugin and unknown events", async () => {
    for await (const e of ws) {
      switch (e.event) {
        case "posted":
          expectTypeOf(e.data).toEqualTypeOf<PostedData>();
          break;
        case "typing":
          expectTypeOf(e.data.parent_id).toEqualTypeOf<string>();
          break;
        default:
          expectTypeOf<UnknownServerEvent>().toMatchTypeOf<typeof e>();
          expectTypeOf<PluginServerEvent>().toMatchTypeOf<typeof e>();
          expectTypeOf<ServerEvent<"posted">>().not.toMatchTypeOf<typeof e>();
      }
    }
  });

  test("a misspelled name in a comparison is a compile error", async () => {
    for await (const e of ws) {
      // @ts-expect-error "postd" is no event name
      if (e.event === "postd") break;
    }
  });

  test("startWs's handler narrows", () => {
    void client.startWs((e) => {
      expectTypeOf(e).toEqualTypeOf<AnyServerEvent>();
      if (e.event === "posted") expectTypeOf(e.data.post).toEqualTypeOf<Post>();
      // @ts-expect-error misspelled
      return e.event !== "postd";
    });
  });

  test("startWsSync's handler narrows", () => {
    const sync = null as unknown as SyncClient;
    const run = () =>
      sync.startWsSync((e) => {
        if (e.event === "post_deleted") expectTypeOf(e.data.post).toEqualTypeOf<Post>();
      });
    expectTypeOf(run).returns.toEqualTypeOf<void>();
  });
});

describe("on()", () => {
  test("a listener of a name gets that event", () => {
    ws.on("posted", (e) => expectTypeOf(e.data.post).toEqualTypeOf<Post>());
    ws.on("channel_scheme_updated", (e) => expectTypeOf(e.data).toEqualTypeOf<Record<string, unknown>>());
    ws.on("custom_com.example.plugin_ready", (e) => expectTypeOf(e).toEqualTypeOf<PluginServerEvent>());
    ws.on("*", (e) => expectTypeOf(e).toEqualTypeOf<AnyServerEvent>());
    ws.on("error", (e) => expectTypeOf(e).toEqualTypeOf<Error>());
    ws.on("missed", (signal) => expectTypeOf(signal.since).toEqualTypeOf<number>());
  });

  test("a misspelled literal name is a compile error", () => {
    // @ts-expect-error "postd" is no event name
    ws.on("postd", () => {});
    // @ts-expect-error names are case-sensitive
    ws.on("Posted", () => {});
    // @ts-expect-error a plugin's events start with custom_
    ws.on("com.example.plugin_ready", () => {});
  });

  test("a name only known at run time is accepted; its listener gets any event", () => {
    const name: string = String(Math.random());
    ws.on(name, (e) => {
      expectTypeOf(e).toEqualTypeOf<AnyServerEvent>();
      if (e.event === "posted") expectTypeOf(e.data.post).toEqualTypeOf<Post>();
    });
  });
});

describe("waitForEvent", () => {
  test("resolves with the event of its name; its filter gets that event", () => {
    expectTypeOf(waitForEvent(ws, "posted")).resolves.toEqualTypeOf<ServerEvent<"posted">>();
    void waitForEvent(ws, "reaction_added", {
      filter: (e) => e.data.reaction.emoji_name === "+1",
      timeout: 5000,
    });
    expectTypeOf(waitForEvent(ws, "*")).resolves.toEqualTypeOf<AnyServerEvent>();
    const name: string = String(Math.random());
    expectTypeOf(waitForEvent(ws, name)).resolves.toEqualTypeOf<AnyServerEvent>();
  });

  test("a misspelled literal name is a compile error", () => {
    // @ts-expect-error "postd" is no event name
    void waitForEvent(ws, "postd");
  });
});

describe("the union", () => {
  test("has a member for unknown names, which narrowing leaves out", () => {
    expectTypeOf<Extract<AnyServerEvent, UnknownServerEvent>>().toEqualTypeOf<UnknownServerEvent>();
    expectTypeOf<UnknownServerEvent["data"]>().toEqualTypeOf<Record<string, unknown>>();
    const narrowed = (e: AnyServerEvent) => (e.event === "posted" ? e : undefined);
    expectTypeOf(narrowed).returns.toEqualTypeOf<ServerEvent<"posted"> | undefined>();
  });

  test("an event's name is a string", () => {
    expectTypeOf<AnyServerEvent["event"]>().toMatchTypeOf<string>();
  });

  test("every typed name is a server name, and EventOf follows on()", () => {
    expectTypeOf<Exclude<keyof EventDataMap, KnownEventName>>().toEqualTypeOf<never>();
    expectTypeOf<EventOf<"posted">>().toEqualTypeOf<ServerEvent<"posted">>();
    expectTypeOf<EventOf<string>>().toEqualTypeOf<AnyServerEvent>();
    expectTypeOf<EventOf<"*">>().toEqualTypeOf<AnyServerEvent>();
  });
});
