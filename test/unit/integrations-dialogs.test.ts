/** Dialogs: the server's rules checked locally, the builder, openDialog, submissions, cancellations, lookups. */
import { describe, expect, it } from "vitest";
import {
  buildDialog,
  type Dialog,
  DialogValidationError,
  dialogHandler,
  dialogIssues,
  dialogLookupHandler,
  el,
  openDialog,
} from "../../src/integrations/index.js";

const valid: Dialog = {
  callback_id: "cb",
  title: "New task",
  elements: [
    el.text("title", "Title", { min_length: 2 }),
    el.textarea("notes", "Notes", { optional: true }),
    el.select(
      "size",
      "Size",
      [
        { text: "Small", value: "s" },
        { text: "Large", value: "l" },
      ],
      { default: "s" },
    ),
    el.bool("urgent", "Urgent"),
    el.radio("kind", "Kind", [{ text: "Bug", value: "bug" }], { default: "bug" }),
    el.date("due", "Due", { default: "+1d", min_date: "today" }),
    el.datetime("remind", "Remind", { optional: true }),
    el.selectFrom("owner", "Owner", "users"),
    el.selectFrom("topic", "Topic", "dynamic", { data_source_url: "https://bot.test/lookup" }),
  ],
};

function issuesOf(dialog: Dialog): string[] {
  return dialogIssues(dialog).map((i) => `${i.element ?? "dialog"}.${i.field}`);
}

describe("dialog rules (model.Dialog.IsValid)", () => {
  it("accepts a dialog using every element type, filled in by the builders", () => {
    expect(dialogIssues(valid)).toEqual([]);
    const built = buildDialog(valid);
    expect(built.elements?.[0]).toMatchObject({ type: "text", min_length: 2, max_length: 150 });
    expect(built.elements?.[6]).toMatchObject({ type: "datetime", time_interval: 60 });
  });

  it("names the element and the rule for each broken rule", () => {
    const e = (more: object) =>
      ({ title: "T", elements: [{ name: "f", display_name: "F", type: "text", ...more }] }) as Dialog;
    expect(issuesOf({ title: "" })).toEqual(["dialog.title"]);
    expect(issuesOf({ title: "x".repeat(25) })).toEqual(["dialog.title"]);
    expect(issuesOf({ title: "ééééééééééééé" })).toEqual(["dialog.title"]); // 26 bytes: the server counts bytes
    expect(issuesOf({ title: "T", icon_url: "ftp://x" })).toEqual(["dialog.icon_url"]);
    expect(issuesOf(e({ display_name: "" }))).toEqual(["f.display_name"]);
    expect(issuesOf(e({ display_name: "d".repeat(25) }))).toEqual(["f.display_name"]);
    expect(issuesOf(e({ help_text: "h".repeat(151) }))).toEqual(["f.help_text"]);
    expect(issuesOf(e({ placeholder: "p".repeat(151) }))).toEqual(["f.placeholder"]);
    expect(issuesOf(e({ subtype: "color" }))).toEqual(["f.subtype"]);
    expect(issuesOf(e({ min_length: 5 }))).toEqual(["f.min_length"]);
    expect(issuesOf(e({ min_length: -1, max_length: 3 }))).toEqual(["f.min_length"]);
    expect(issuesOf(e({ multiselect: true }))).toEqual(["f.multiselect"]);
    expect(issuesOf(e({ type: "color" }))).toEqual(["f.type"]);
    expect(issuesOf(e({ type: "bool", default: "yes" }))).toEqual(["f.default"]);
    expect(issuesOf(e({ type: "select", options: [{ text: "A", value: "a" }], default: "b" }))).toEqual(["f.default"]);
    expect(
      issuesOf(e({ type: "select", multiselect: true, options: [{ text: "A", value: "a" }], default: "a, b" })),
    ).toEqual(["f.default"]);
    expect(issuesOf(e({ type: "select", data_source: "teams" }))).toEqual(["f.data_source"]);
    expect(issuesOf(e({ type: "select", data_source: "dynamic" }))).toEqual(["f.data_source_url"]);
    expect(issuesOf(e({ type: "select", data_source: "dynamic", data_source_url: "/plugins/../x" }))).toEqual([
      "f.data_source_url",
    ]);
    expect(issuesOf(e({ type: "radio", options: [], default: "z" }))).toEqual(["f.default"]);
    expect(issuesOf(e({ type: "date", default: "2026-02-30" }))).toEqual(["f.default"]);
    expect(issuesOf(e({ type: "date", default: "2026-02-03T10:00:00Z" }))).toEqual(["f.default"]);
    expect(issuesOf(e({ type: "date", max_date: "next week" }))).toEqual(["f.max_date"]);
    expect(issuesOf(e({ type: "datetime", time_interval: 60, default: "2026-02-03T10:00:00+01:00" }))).toEqual([]);
    expect(issuesOf(e({ type: "datetime" }))).toEqual(["f.time_interval"]);
    expect(issuesOf(e({ type: "datetime", time_interval: 7 }))).toEqual(["f.time_interval"]);
    expect(issuesOf(e({ type: "datetime", time_interval: 60, default: "soon" }))).toEqual(["f.default"]);
    expect(issuesOf({ title: "T", elements: [el.bool("a", "A"), el.bool("a", "B")] })).toEqual(["a.name"]);
  });

  it("buildDialog and openDialog throw DialogValidationError naming the first problem, before any call", async () => {
    const broken = { title: "T", elements: [el.text("name", "Name", { default: "x".repeat(151) })] };
    expect(() => buildDialog(broken)).toThrow(DialogValidationError);
    expect(() => buildDialog(broken)).toThrow(/dialog element "name": default is 151 bytes, over the limit of 150/);
    const calls: unknown[] = [];
    const client = { integrationActions: { openInteractiveDialog: async (body: unknown) => void calls.push(body) } };
    await expect(openDialog(client, "trigger", "https://bot.test/dialog", broken)).rejects.toThrow(
      DialogValidationError,
    );
    expect(calls).toEqual([]);
    await openDialog(client, "trigger", "https://bot.test/dialog", valid);
    expect(calls).toEqual([{ trigger_id: "trigger", url: "https://bot.test/dialog", dialog: valid }]);
  });
});

function submit(body: unknown): Request {
  return new Request("http://bot.test/dialog", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const submission = {
  type: "dialog_submission",
  callback_id: "cb",
  state: "s",
  user_id: "u1",
  channel_id: "c1",
  team_id: "t1",
  cancelled: false,
};

describe("dialogHandler", () => {
  it("passes the typed submission and returns field errors in the webapp's shape", async () => {
    const handler = dialogHandler<{ title: string }>({
      handle: (s) => (s.submission.title === "bad" ? { errors: { title: "Not that one." } } : undefined),
    });
    const refused = await handler(submit({ ...submission, submission: { title: "bad" } }));
    expect(await refused.json()).toEqual({ errors: { title: "Not that one." } });
    const ok = await handler(submit({ ...submission, submission: { title: "fine" } }));
    expect(await ok.json()).toEqual({});
  });

  it("checks submissions against the dialog first (a forged POST cannot skip required fields or choices)", async () => {
    let runs = 0;
    const handler = dialogHandler({ dialog: valid, handle: () => void runs++ });
    const response = await handler(submit({ ...submission, submission: { title: "x", size: "huge", kind: "bug" } }));
    expect(await response.json()).toEqual({
      errors: {
        title: "Must be at least 2 characters.",
        size: "Not one of the choices.",
        due: "This field is required.",
        owner: "This field is required.",
        topic: "This field is required.",
      },
    });
    expect(runs).toBe(0);
  });

  it("sends cancellations to onCancel, not handle", async () => {
    const cancelled: unknown[] = [];
    const handler = dialogHandler({
      handle: () => ({ error: "no" }),
      onCancel: (s) => void cancelled.push(s.callback_id),
    });
    const response = await handler(submit({ ...submission, cancelled: true, submission: {} }));
    expect(await response.json()).toEqual({});
    expect(cancelled).toEqual(["cb"]);
  });

  it("answers 400 for malformed submissions and checks its own answers", async () => {
    const errors: unknown[] = [];
    const handler = dialogHandler({ handle: () => ({ errors: { a: 1 } }) as never, onError: (e) => errors.push(e) });
    expect((await handler(submit([]))).status).toBe(400);
    expect((await handler(submit({ ...submission, submission: "x" }))).status).toBe(400);
    expect((await handler(submit({ ...submission, cancelled: "yes" }))).status).toBe(400);
    expect((await handler(submit({ ...submission, submission: {} }))).status).toBe(500);
    expect(String(errors[0])).toMatch(/errors.a must be a string/);
  });

  it("answers dynamic select lookups with { items }", async () => {
    const handler = dialogLookupHandler({
      maxItems: 2,
      handle: (r) => ["alpha", "beta", "gamma"].filter((x) => x.includes(r.query)).map((x) => ({ text: x, value: x })),
    });
    const response = await handler(submit({ ...submission, query: "a", selected_field: "topic", submission: {} }));
    expect(await response.json()).toEqual({
      items: [
        { text: "alpha", value: "alpha" },
        { text: "beta", value: "beta" },
      ],
    });
  });
});
