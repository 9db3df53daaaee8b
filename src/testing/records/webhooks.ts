/** Incoming and outgoing webhooks as the server keeps and writes them (model/incoming_webhook.go, outgoing_webhook.go). */
import { encode, goShape } from "./wire.js";

export interface IncomingWebhookRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  user_id: string;
  channel_id: string;
  team_id: string;
  display_name: string;
  description: string;
  username: string;
  icon_url: string;
  channel_locked: boolean;
  /** A pointer, nil (null) unless a schema translation was saved; the fake never saves one. */
  webhook_schema_translation: Record<string, unknown> | null;
}

/** model.IncomingWebhook (incoming_webhook.go 06ccc1e6919b069a79ae8d78e08376ddbad059d5): no omitempty. */
export const INCOMING_WEBHOOK = goShape<IncomingWebhookRecord>(
  "IncomingWebhook",
  "incoming_webhook.go",
  "06ccc1e6919b069a79ae8d78e08376ddbad059d5",
  [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "user_id",
    "channel_id",
    "team_id",
    "display_name",
    "description",
    "username",
    "icon_url",
    "channel_locked",
    "webhook_schema_translation*",
  ],
);

export const incomingWebhookJson = (hook: IncomingWebhookRecord) => encode(INCOMING_WEBHOOK, hook);

export interface OutgoingWebhookRecord {
  id: string;
  token: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  creator_id: string;
  channel_id: string;
  team_id: string;
  /** model.StringArray: nil is written as null. */
  trigger_words: string[] | null;
  /** 0: the first word is a trigger word; 1: the first word starts with one (app/webhook.go). */
  trigger_when: number;
  callback_urls: string[] | null;
  display_name: string;
  description: string;
  content_type: string;
  username: string;
  icon_url: string;
}

/** model.OutgoingWebhook (outgoing_webhook.go 362642b5f471634cc3837b873a10d4d59f0b1810): no omitempty. */
export const OUTGOING_WEBHOOK = goShape<OutgoingWebhookRecord>(
  "OutgoingWebhook",
  "outgoing_webhook.go",
  "362642b5f471634cc3837b873a10d4d59f0b1810",
  [
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "channel_id",
    "team_id",
    "trigger_words*",
    "trigger_when",
    "callback_urls*",
    "display_name",
    "description",
    "content_type",
    "username",
    "icon_url",
  ],
);

export const outgoingWebhookJson = (hook: OutgoingWebhookRecord) => encode(OUTGOING_WEBHOOK, hook);
