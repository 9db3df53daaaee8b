/**
 * Actions waiting for their reply, matched by seq_reply: each settles once, with the reply, on its timeout, or when
 * the connection closes first.
 */
import { MatterapiError } from "../core/errors.js";
import { WebSocketActionError } from "./errors.js";
import type { ReplyFrame } from "./frames.js";
import { timer } from "./options.js";

interface Pending {
  action: string;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingActions {
  /** Made on the first action: an idle stream holds no table. */
  #pending: Map<number, Pending> | undefined;

  /** Waits for the reply to `seq` (call it before sending, so that no reply can come first). */
  wait<T>(action: string, seq: number, timeout: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pendingTimer = timer(() => {
        this.#pending?.delete(seq);
        reject(new MatterapiError(`${action}: no reply within ${timeout} ms`));
      }, timeout);
      this.#pending ??= new Map();
      this.#pending.set(seq, {
        action,
        resolve: resolve as (d: unknown) => void,
        reject,
        timer: pendingTimer,
      });
    });
  }

  /** Settles the action the reply is for; false when it is for none. */
  settle({ status, seqReply, data, error }: ReplyFrame): boolean {
    const pending = seqReply === undefined ? undefined : this.#pending?.get(seqReply);
    if (!pending) return false;
    this.#pending?.delete(seqReply as number);
    clearTimeout(pending.timer);
    if (status === "OK") pending.resolve(data);
    else pending.reject(new WebSocketActionError(pending.action, error));
    return true;
  }

  /** The connection closed: every action still waiting fails, saying so. */
  closed(code: number): void {
    if (!this.#pending) return;
    for (const [seq, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new MatterapiError(`${pending.action}: the connection closed (code ${code}) before the reply`));
      this.#pending.delete(seq);
    }
  }
}
