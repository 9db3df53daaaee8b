/** One socket's events, routed to the connector that opened it. */
import type { Connector } from "./connector.js";
import { toError } from "./errors.js";
import type { RawSocket, SocketHandlers } from "./socket.js";

/**
 * One socket's events, routed to its connector: late events of a socket that is no longer the current one are
 * ignored, and an exception here is reported on `error` rather than thrown into the socket's callback. A class, not
 * closures, so that an idle connection holds one small object.
 */
export class SocketEvents implements SocketHandlers {
  socket: RawSocket | undefined;

  constructor(
    private readonly link: Connector,
    private readonly token: string,
    /** How the upgrade authenticates: a header (where the socket can send one), the session cookie, or neither. */
    private readonly mode: "header" | "cookie" | "challenge",
  ) {}

  #current(): boolean {
    return this.socket !== undefined && this.link.socket === this.socket;
  }

  #guard(what: () => void): void {
    try {
      what();
    } catch (error) {
      this.link.reportError(toError(error));
    }
  }

  onOpen(): void {
    const socket = this.socket;
    if (!socket) return;
    // Authenticated at the upgrade (a header a browser-style socket could not send, or the cookie): a ping proves it.
    const upgrade = this.mode === "cookie" || (this.mode === "header" && socket.native);
    this.#guard(() => this.link.opened(socket, this.token, upgrade ? "header" : "challenge"));
  }

  onMessage(text: string): void {
    if (this.#current()) this.#guard(() => this.link.message(text));
  }

  onFrame(): void {
    if (this.#current()) this.link.sawFrame();
  }

  onClose(code: number, reason: string): void {
    const socket = this.socket;
    if (socket && this.#current())
      this.link.closed(socket, code, reason, this.token).catch((e) => this.link.reportError(toError(e)));
  }

  onError(error: Error): void {
    if (this.#current() || !this.link.socket) this.link.socketError = error;
  }
}
