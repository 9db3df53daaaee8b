/**
 * Reading the server's frames defensively: any text a server, proxy or man in the middle sends becomes an event, a
 * reply, or a `WebSocketFrameError` that says what was wrong (its JSON type and size, never its content, which can
 * hold anything). Nothing here looks a name up on a prototype.
 */
import { WebSocketFrameError } from "../core/errors.js";
import type { Broadcast } from "./events.js";

export interface EventFrame {
  kind: "event";
  /** The parsed object itself (delivered as the event, with `data` and `broadcast` made objects). */
  message: { event: string; data: Record<string, unknown>; broadcast: Broadcast; seq?: number };
}

export interface ReplyFrame {
  kind: "reply";
  status: string | undefined;
  seqReply: number | undefined;
  data: unknown;
  error: { id?: string; message?: string; status_code?: number } | undefined;
}

export type Frame = EventFrame | ReplyFrame | { kind: "malformed"; error: WebSocketFrameError };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const typeOf = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

const malformed = (why: string): Frame => ({ kind: "malformed", error: new WebSocketFrameError(why) });

export function parseFrame(text: string): Frame {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return malformed(`a frame from the server is not JSON (${text.length} characters); ignored`);
  }
  if (!isObject(message))
    return malformed(`a frame from the server is a JSON ${typeOf(message)}, not an object; ignored`);
  const { event, data, broadcast, seq } = message;
  if (event === undefined) {
    const error = message.error;
    return {
      kind: "reply",
      status: typeof message.status === "string" ? message.status : undefined,
      seqReply: typeof message.seq_reply === "number" ? message.seq_reply : undefined,
      data,
      error: isObject(error) ? (error as ReplyFrame["error"]) : undefined,
    };
  }
  if (typeof event !== "string") return malformed(`an event frame's name is a ${typeOf(event)}; ignored`);
  if (data !== undefined && data !== null && !isObject(data))
    return malformed(`the ${quote(event)} event's data is a ${typeOf(data)}, not an object; ignored`);
  if (broadcast !== undefined && broadcast !== null && !isObject(broadcast))
    return malformed(`the ${quote(event)} event's broadcast is a ${typeOf(broadcast)}, not an object; ignored`);
  if (seq !== undefined && !(Number.isSafeInteger(seq) && (seq as number) >= 0))
    return malformed(`the ${quote(event)} event's seq is not a whole number; ignored`);
  message.data = isObject(data) ? data : {};
  message.broadcast = isObject(broadcast) ? broadcast : { omit_users: null, user_id: "", channel_id: "", team_id: "" };
  if (event === "hello") {
    const hello = message.data as Record<string, unknown>;
    // The connection id is what a resume asks for: a hello without one must not leave it undefined.
    if (typeof hello.connection_id !== "string" || hello.connection_id === "")
      return malformed("a hello without a connection_id; ignored");
    if (typeof hello.server_version !== "string") hello.server_version = "";
  }
  return { kind: "event", message: message as EventFrame["message"] };
}

/** An event name fit for a message: short, printable. */
function quote(name: string): string {
  const safe = name.replace(/[^\x20-\x7e]/g, "?");
  return safe.length > 60 ? `${safe.slice(0, 60)}...` : safe;
}
