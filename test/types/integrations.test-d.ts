/** matterapi/integrations: every payload and answer is typed, and wrong answers do not compile. */
import type { IncomingMessage } from "node:http";
import { describe, expectTypeOf, it } from "vitest";
import type { AsyncClient } from "../../src/index.js";
import {
  type ActionClick,
  type ActionRequest,
  type ActionResponse,
  actionHandler,
  button,
  type CommandResponse,
  createActionSigner,
  type Dialog,
  type DialogLookupRequest,
  type DialogSubmission,
  type DialogSubmitResponse,
  dialogHandler,
  dialogLookupHandler,
  el,
  type IncomingWebhookPayload,
  type IntegrationHandler,
  type MessageAttachment,
  menu,
  type NodeHandler,
  type OutgoingWebhookRequest,
  type OutgoingWebhookResponse,
  openDialog,
  outgoingWebhookHandler,
  type PostAction,
  postToWebhook,
  type SlashCommandContext,
  type SlashCommandRequest,
  sendToResponseUrl,
  slashCommandHandler,
  toNodeHandler,
  type VerifiedContext,
} from "../../src/integrations/index.js";

describe("slash commands", () => {
  it("types the request, the context and the answers", () => {
    const handler = slashCommandHandler({
      token: ["a", "b"],
      handle: (command, context) => {
        expectTypeOf(command).toEqualTypeOf<SlashCommandRequest>();
        expectTypeOf(command.user_mentions).toEqualTypeOf<{ name: string; id: string }[]>();
        expectTypeOf(command.trigger_id).toBeString();
        expectTypeOf(context).toEqualTypeOf<SlashCommandContext>();
        context.defer(async (signal) => {
          expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
          return { response_type: "in_channel", text: "later" };
        });
        return { response_type: "ephemeral", text: "x", extra_responses: [{ text: "more" }], goto_location: "/x" };
      },
    });
    expectTypeOf(handler).toMatchTypeOf<IntegrationHandler>();
    expectTypeOf(handler).parameter(0).toEqualTypeOf<Request>();
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<Response>>();
    slashCommandHandler({ token: "t", handle: () => "plain text is an ephemeral answer" });
    // @ts-expect-error response_type is "ephemeral" or "in_channel"
    slashCommandHandler({ token: "t", handle: () => ({ response_type: "everyone" }) });
    // @ts-expect-error nested extra_responses are not part of the wire format
    const nested: CommandResponse = { extra_responses: [{ extra_responses: [] }] };
    void nested;
    expectTypeOf(sendToResponseUrl).parameter(1).toEqualTypeOf<CommandResponse | string>();
  });
});

describe("outgoing webhooks", () => {
  it("types the payload and the answer", () => {
    outgoingWebhookHandler({
      token: "t",
      handle: (request) => {
        expectTypeOf(request).toEqualTypeOf<OutgoingWebhookRequest>();
        expectTypeOf(request.timestamp).toBeNumber();
        expectTypeOf(request.file_ids).toEqualTypeOf<string[]>();
        return { text: "reply", response_type: "comment", props: { a: 1 } } satisfies OutgoingWebhookResponse;
      },
    });
    // @ts-expect-error response_type is "comment" or "post"
    const wrong: OutgoingWebhookResponse = { response_type: "thread" };
    void wrong;
  });
});

describe("interactive messages", () => {
  it("types builders, clicks, signatures and answers", () => {
    const signer = createActionSigner({ secret: "x".repeat(32) });
    const signed = signer.sign({ poll: "p1", n: 1 }, { action: "vote" });
    expectTypeOf(signed.poll).toBeString();
    expectTypeOf(button({ name: "Yes", url: "https://b", context: signed })).toEqualTypeOf<PostAction>();
    expectTypeOf(menu({ name: "Who", url: "https://b", dataSource: "users" })).toEqualTypeOf<PostAction>();
    // @ts-expect-error data sources of messages are users or channels
    menu({ name: "Who", url: "https://b", dataSource: "dynamic" });
    const a: MessageAttachment = {
      text: "t",
      color: "#fff",
      fields: [{ title: "a", value: 1, short: true }],
      actions: [],
    };
    void a;
    actionHandler<{ poll: string }>({
      signer,
      handle: (click) => {
        expectTypeOf(click).toEqualTypeOf<ActionClick<{ poll: string }>>();
        expectTypeOf(click.request).toEqualTypeOf<ActionRequest>();
        expectTypeOf(click.context.poll).toBeString();
        expectTypeOf(click.selectedOption).toEqualTypeOf<string | undefined>();
        expectTypeOf(click.signature).toEqualTypeOf<VerifiedContext<{ poll: string }> | undefined>();
        return { update: { message: "m", props: { attachments: [a] } }, ephemeral_text: "e", skip_slack_parsing: true };
      },
    });
    // @ts-expect-error ephemeral_text is a string
    const wrong: ActionResponse = { ephemeral_text: 1 };
    void wrong;
  });
});

describe("dialogs", () => {
  it("types elements, dialogs, submissions, answers and lookups", async () => {
    const dialog: Dialog = {
      title: "T",
      elements: [el.text("a", "A"), el.datetime("b", "B"), el.selectFrom("c", "C", "channels")],
    };
    // @ts-expect-error element types are the seven the server knows
    const bad: Dialog = { title: "T", elements: [{ name: "a", display_name: "A", type: "color" }] };
    void bad;
    const client = {} as AsyncClient;
    expectTypeOf(openDialog(client, "trigger", "https://b", dialog)).toEqualTypeOf<Promise<void>>();
    dialogHandler<{ a: string }>({
      dialog,
      handle: (s) => {
        expectTypeOf(s).toEqualTypeOf<DialogSubmission<{ a: string }>>();
        expectTypeOf(s.cancelled).toBeBoolean();
        return { errors: { a: "wrong" } } satisfies DialogSubmitResponse;
      },
      onCancel: (s) => {
        expectTypeOf(s.callback_id).toBeString();
      },
    });
    dialogLookupHandler({
      handle: (r) => {
        expectTypeOf(r).toEqualTypeOf<DialogLookupRequest>();
        return [{ text: r.query, value: r.query }];
      },
    });
  });
});

describe("incoming webhooks and the Node adapter", () => {
  it("types the payload and the adapter", () => {
    expectTypeOf(postToWebhook).parameter(1).toEqualTypeOf<IncomingWebhookPayload>();
    expectTypeOf(postToWebhook("https://h/hooks/x", { text: "x", channel: "town-square" })).toEqualTypeOf<
      Promise<void>
    >();
    // @ts-expect-error priority is "", "important" or "urgent"
    const wrong: IncomingWebhookPayload = { text: "x", priority: { priority: "high" } };
    void wrong;
    const handler = slashCommandHandler({ token: "t", handle: () => "x" });
    expectTypeOf(toNodeHandler(handler)).toEqualTypeOf<NodeHandler>();
    expectTypeOf<Parameters<NodeHandler>[0]>().toEqualTypeOf<IncomingMessage>();
  });
});
