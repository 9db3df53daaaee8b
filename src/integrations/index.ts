/**
 * matterapi/integrations: the calls Mattermost makes to a bot (slash commands, outgoing webhooks, button and menu
 * clicks, dialog submissions) as runtime-neutral handlers `(Request) => Promise<Response>`, with node:http and
 * Express adapters; builders for attachments, buttons, menus and dialogs checked with the server's rules; signed
 * action contexts; and the calls a bot makes back without a session (incoming webhooks, command response URLs).
 */
export {
  type ActionClick,
  type ActionHandlerOptions,
  type ActionIntegration,
  type ActionOption,
  type ActionRequest,
  type ActionResponse,
  type ActionStyle,
  type AttachmentField,
  actionHandler,
  attachment,
  type ButtonInit,
  button,
  checkActionResponse,
  type MenuInit,
  type MessageAttachment,
  menu,
  type PostAction,
  type PostUpdate,
  parseActionRequest,
} from "./actions.js";
export { type CommandResponse, checkCommandResponse } from "./command-response.js";
export { type DialogIssue, dialogIssues } from "./dialog-rules.js";
export type {
  Dialog,
  DialogElement,
  DialogElementType,
  DialogSubmission,
  DialogSubmitResponse,
} from "./dialog-types.js";
export {
  buildDialog,
  checkDialog,
  type DialogHandlerOptions,
  type DialogLookupHandlerOptions,
  type DialogLookupRequest,
  type DialogOpener,
  DialogValidationError,
  dialogHandler,
  dialogLookupHandler,
  el,
  openDialog,
  parseDialogSubmission,
  submissionErrors,
} from "./dialogs.js";
export { type HandlerOptions, type IntegrationHandler, integrationRouter } from "./handler.js";
export type { SendOptions } from "./http-send.js";
export { type BodyLimits, DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, RequestRefused } from "./incoming.js";
export { type NodeHandler, toNodeHandler, toWebRequest, writeNodeResponse } from "./node.js";
export {
  checkOutgoingWebhookResponse,
  type OutgoingWebhookHandlerOptions,
  type OutgoingWebhookRequest,
  type OutgoingWebhookResponse,
  outgoingWebhookHandler,
  parseOutgoingWebhook,
} from "./outgoing-webhooks.js";
export {
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
  type ResponseUrlOptions,
  sendToResponseUrl,
} from "./response-url.js";
export {
  type ActionSigner,
  type ActionSignerOptions,
  createActionSigner,
  MemoryReplayStore,
  type ReplayStore,
  type SignatureBinding,
  tokenMatches,
  type VerifiedContext,
} from "./signing.js";
export {
  type Mention,
  parseSlashCommand,
  type SlashCommandContext,
  type SlashCommandHandlerOptions,
  type SlashCommandRequest,
  type SlashCommandResult,
  slashCommandHandler,
} from "./slash-commands.js";
export { type IncomingWebhookPayload, postToWebhook } from "./webhook-sender.js";
