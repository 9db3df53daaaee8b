/**
 * Keepalive: when nothing has arrived for `pingInterval`, probe (a ping frame and an app-level ping); when nothing at
 * all arrives within `pongTimeout` after a probe, the connection is dead even if the socket does not know it yet.
 */
export interface KeepAliveHooks {
  /** Sends the probe. */
  probe(): void;
  /** Drops the dead connection. */
  dead(): void;
}

export class KeepAlive {
  #lastFrame = 0;
  #probeAt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly pingInterval: number,
    private readonly pongTimeout: number,
  ) {}

  /** Any frame (a message, a ping, a pong) is proof of life. */
  sawFrame(): void {
    this.#lastFrame = Date.now();
  }

  start(hooks: KeepAliveHooks): void {
    this.stop();
    this.#lastFrame = Date.now();
    this.#probeAt = 0;
    const { pingInterval, pongTimeout } = this;
    const tick = Math.min(Math.max(10, Math.min(pingInterval, pongTimeout) / 4), 60_000);
    this.#timer = setInterval(() => {
      const now = Date.now();
      if (this.#probeAt && this.#lastFrame < this.#probeAt && now - this.#probeAt > pongTimeout) {
        this.#probeAt = 0;
        hooks.dead();
        return;
      }
      if (this.#lastFrame >= this.#probeAt) this.#probeAt = 0;
      if (!this.#probeAt && now - this.#lastFrame >= pingInterval) {
        this.#probeAt = now;
        hooks.probe();
      }
    }, tick);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
