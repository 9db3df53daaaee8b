/**
 * What the stream remembers across connections so that it can resume: the server's connection id and the last seq
 * delivered (sent back at the upgrade), and the newest post seen (where a catch-up starts when a new `hello` says
 * the server had to start over).
 */
import type { Post } from "../generated/models/index.js";
import type { Broadcast, EventData } from "./events.js";
import type { MissedSignal } from "./options.js";

export class ResumeState {
  connectionId = "";
  serverVersion = "";
  userId = "";
  lastSeq = -1;
  /** Server time (ms) of the newest post seen on the stream: where a catch-up starts. */
  lastPostAt = 0;
  /** Local time the newest post arrived: with lastPostAt, it maps local time onto the server's clock. */
  lastPostSeenAt = 0;
  connectedAt = 0;
  /**
   * The next connection must not resume: the session ended, and the server drops (does not queue) the events of a
   * connection whose session is invalid, so a resume would claim a loss-free window that was not. Its `hello` then
   * counts as a loss.
   */
  #startOver = false;
  /** lastSeq when a frame over maxFrameSize closed the connection: the second time at the same place, skip it. */
  oversizeAt: number | undefined;

  /** The upgrade's query that asks the server to resume (empty before the first `hello`). */
  query(): string {
    return this.connectionId && !this.#startOver
      ? `?connection_id=${encodeURIComponent(this.connectionId)}&sequence_number=${this.lastSeq + 1}`
      : "";
  }

  /** The session ended: events may have been dropped since the newest post seen, and the next hello says so. */
  startOver(): void {
    this.#startOver = true;
  }

  notePost(post: Post | undefined): void {
    if (!post || typeof post !== "object") return;
    if (typeof post.create_at === "number" && post.create_at > this.lastPostAt) {
      this.lastPostAt = post.create_at;
      this.lastPostSeenAt = Date.now();
    }
  }

  /** Takes a `hello`; returns what was lost when it comes from a new connection (the server started over). */
  hello(data: EventData<"hello">, broadcast: Broadcast): MissedSignal | undefined {
    const previous = this.connectionId;
    const lost = previous !== "" && (data.connection_id !== previous || this.#startOver);
    this.#startOver = false;
    const since = this.lastPostAt || this.connectedAt;
    const lastSeq = this.lastSeq;
    if (!previous) this.connectedAt = Date.now();
    this.connectionId = data.connection_id;
    this.serverVersion = data.server_version;
    this.userId = (typeof broadcast.user_id === "string" && broadcast.user_id) || this.userId;
    this.lastSeq = -1;
    if (!lost) return undefined;
    return {
      since,
      // The two ends on one clock: local clocks and the server's may disagree by more than the window.
      until: this.lastPostAt ? this.lastPostAt + (Date.now() - this.lastPostSeenAt) : Date.now(),
      previousConnectionId: previous,
      connectionId: data.connection_id,
      lastSeq,
    };
  }

  /** A frame over maxFrameSize closed the connection: whether it did so at this same place before (then skip it). */
  oversizeRepeats(): boolean {
    return this.oversizeAt === this.lastSeq && this.connectionId !== "";
  }

  /** Notes where the oversized frame was; skips it the second time (the same event would come back on resume). */
  oversized(skip: boolean): void {
    if (skip) this.lastSeq++;
    this.oversizeAt = skip ? undefined : this.lastSeq;
  }
}
