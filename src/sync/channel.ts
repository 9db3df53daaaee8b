/**
 * The thread hop of a SyncClient and its sessions: a request goes to the worker over a MessagePort and the calling
 * thread blocks on Atomics.wait until the worker answers.
 *
 * No wait is unbounded. The wait runs in slices; between them the calling thread reads what the worker wrote to
 * shared memory (it cannot hear the Worker's events while it is blocked): a crash or exit (with its reason), a
 * heartbeat that stopped (a worker killed, or stuck), a server that listens in this very thread (it can never
 * answer), and the call's own deadline. Any of them fails the call at once; a worker that died fails every later
 * call at once too.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import { SyncWorkerError, UsageError } from "../core/errors.js";
import { nodeBuiltin } from "../core/node-builtins.js";
import type { ClientOptions, ResolvedOptions } from "../core/options.js";
import { ResponseValidator, type ValidationMode } from "../core/validation.js";
import {
  deathReason,
  type Reply,
  type Request,
  rebuildError,
  type SerializedError,
  SHARED_REPLY,
  STALL_MS,
  STATUS,
  WORKER,
} from "./protocol.js";
import { sameThreadServer } from "./same-thread.js";

/** How long a worker may take to load matterapi before its first call gives up. */
const START_MS = 60_000;
/** The first slice is short so that a deadlock with a server in this thread is found fast. */
const FIRST_SLICE_MS = 100;
const SLICE_MS = 250;

/** @internal Tests point this at another worker file (a missing one, a broken one). */
export const workerFile: { url: URL | undefined } = { url: undefined };

/** The worker file: the bundle's sync-worker.js next to this module, or (from the TypeScript sources) worker.ts. */
function startWorker(options: ConstructorParameters<typeof Worker>[1]): Worker {
  const { existsSync } = nodeBuiltin("node:fs");
  const { fileURLToPath } = nodeBuiltin("node:url");
  let load: string | undefined;
  const candidates = workerFile.url ? [workerFile.url] : ["./sync-worker.js", "../sync-worker.js"].map(here);
  for (const url of candidates) {
    if (existsSync(fileURLToPath(url))) load = `import(${JSON.stringify(url.href)})`;
    if (load) break;
  }
  const source = here("./worker.ts");
  if (!load && !workerFile.url && existsSync(fileURLToPath(source))) {
    // Tests and tsx run the sources: a worker does not inherit the TypeScript loader, so it registers it itself.
    load = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`;
  }
  if (!load) {
    throw new SyncWorkerError(
      `the SyncClient's worker file is missing: looked for ${candidates.map((u) => fileURLToPath(u)).join(" and ")}. ` +
        "A bundler that inlined matterapi must copy matterapi's dist/sync-worker.js (and dist/chunks/) beside the " +
        "bundle, or leave matterapi external.",
    );
  }
  // The worker module is imported by a small script, so that a failure to load it (a syntax error, a missing
  // dependency) is written to shared memory for the blocked caller instead of going to an "error" event it
  // cannot hear.
  const bootstrap = `const { workerData } = require("node:worker_threads");
${load}.catch((error) => {
  const status = workerData.status;
  const text = "could not start: " + String((error && error.stack) || error);
  const length = Buffer.from(status.buffer, ${STATUS.offset}).write(text.slice(0, ${STATUS.bytes / 3}));
  Atomics.store(status, ${STATUS.length}, length);
  Atomics.store(status, ${STATUS.state}, ${WORKER.dead});
  Atomics.notify(status, ${STATUS.state});
});`;
  const threads = nodeBuiltin("node:worker_threads");
  return new threads.Worker(bootstrap, { ...options, eval: true });
}

function here(path: string): URL {
  return new URL(path, import.meta.url);
}

export class Channel {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag = new Int32Array(new SharedArrayBuffer(SHARED_REPLY.offset + SHARED_REPLY.bytes));
  readonly #shared = Buffer.from(this.#flag.buffer, SHARED_REPLY.offset);
  readonly #status = new Int32Array(new SharedArrayBuffer(STATUS.offset + STATUS.bytes));
  readonly #onIssue: ClientOptions["onValidationIssue"];
  /** Where the worker connects: a server of this thread there is a deadlock. */
  readonly #targets: string[];
  #ready = false;
  /** Why the channel cannot be used any more (the worker died, or was stopped mid-call). */
  #failure: (() => Error) | undefined;
  /** Validation happens on the calling thread, where the answers are parsed. */
  readonly decoder: { mode: ValidationMode; validator: ResponseValidator };
  readonly resolved: ResolvedOptions;
  closed = false;

  constructor(options: ClientOptions, resolved: ResolvedOptions) {
    const { onValidationIssue, ...rest } = options;
    this.resolved = resolved;
    this.#onIssue = onValidationIssue;
    this.#targets = [resolved.baseUrl, ...(resolved.proxy ? [resolved.proxy.url] : [])];
    this.decoder = { mode: options.validation ?? "lenient", validator: new ResponseValidator(onValidationIssue) };
    const { MessageChannel } = nodeBuiltin("node:worker_threads");
    const channel = new MessageChannel();
    this.#port = channel.port1;
    this.#worker = startWorker({
      workerData: {
        port: channel.port2,
        flag: this.#flag,
        status: this.#status,
        options: { ...rest, reportIssues: Boolean(onValidationIssue) },
      },
      transferList: [channel.port2],
    });
    // An idle SyncClient must not keep the process alive; calls block the thread anyway.
    this.#worker.unref();
    this.#port.unref();
    // Heard only while this thread is idle; a blocked call reads the same news from shared memory.
    this.#worker.on("error", (error) => this.#stop(`the SyncClient's worker ${this.#death() ?? error.message}`));
    this.#worker.on("exit", (code) => this.#stop(`the SyncClient's worker ${this.#death() ?? `exited (${code})`}`));
  }

  /**
   * Sends a request and blocks until its reply. `bound`: the time (Date.now()) after which waiting longer is
   * pointless (the call's deadline, plus slack): the call fails then and the worker is stopped.
   */
  call<T>(request: Request, bound?: number): T {
    if (this.#failure) throw this.#failure();
    if (this.closed) throw new UsageError("the SyncClient is closed");
    if (!this.#ready) this.#awaitStart();
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage(request);
    // Most calls are answered within the first slice: one wait, nothing else to check.
    Atomics.wait(this.#flag, 0, 0, FIRST_SLICE_MS);
    if (Atomics.load(this.#flag, 0) === 0) this.#awaitReply(bound);
    if (Atomics.load(this.#flag, 0) === SHARED_REPLY.state) {
      const text = this.#shared.toString("utf8", 0, Atomics.load(this.#flag, SHARED_REPLY.length));
      const newline = text.indexOf("\n");
      return { text: text.slice(newline + 1), contentType: text.slice(0, newline) || undefined } as T;
    }
    // The reply was posted before the flag was set, so it is on the port (receiving it may take a moment).
    const { receiveMessageOnPort } = nodeBuiltin("node:worker_threads");
    let message: { message: Reply } | undefined;
    for (let tries = 0; ; tries++) {
      message = receiveMessageOnPort(this.#port) as { message: Reply } | undefined;
      if (message) break;
      if (tries > 1100) this.#fail("the SyncClient's worker flagged a reply that never arrived");
      if (tries > 100) Atomics.wait(this.#flag, 0, 1, 1);
    }
    const reply = message.message;
    if (reply.issues && this.#onIssue) for (const issue of reply.issues) this.#onIssue(issue);
    if (!reply.ok) throw rebuildError(reply.error as SerializedError);
    return reply.value as T;
  }

  /** The first call waits for the worker to load matterapi (once per SyncClient), or to say why it could not. */
  #awaitStart(): void {
    const until = Date.now() + START_MS;
    for (;;) {
      const state = Atomics.load(this.#status, STATUS.state);
      if (state === WORKER.ready) break;
      if (state === WORKER.dead) this.#fail(`the SyncClient's worker ${deathReason(this.#status)}`);
      const left = until - Date.now();
      if (left <= 0) this.#fail(`the SyncClient's worker did not start within ${START_MS / 1000} s`);
      Atomics.wait(this.#status, STATUS.state, WORKER.starting, Math.min(SLICE_MS, left));
    }
    this.#ready = true;
  }

  #awaitReply(bound: number | undefined): void {
    let beat = Atomics.load(this.#status, STATUS.heartbeat);
    let beatAt = Date.now();
    let probed = false;
    while (Atomics.load(this.#flag, 0) === 0) {
      if (Atomics.load(this.#status, STATUS.state) === WORKER.dead) {
        this.#fail(`the SyncClient's worker died during the call: ${deathReason(this.#status)}`);
      }
      const now = Date.now();
      const heartbeat = Atomics.load(this.#status, STATUS.heartbeat);
      if (heartbeat !== beat) {
        beat = heartbeat;
        beatAt = now;
      } else if (now - beatAt > STALL_MS) {
        this.#fail(
          `the SyncClient's worker stopped responding (no sign of life for ${STALL_MS / 1000} s: killed, or its ` +
            "event loop is blocked)",
        );
      }
      if (!probed) {
        probed = true;
        const server = sameThreadServer(this.#targets);
        if (server) {
          this.#fail(
            `the server at ${server} runs in this thread, which the SyncClient blocks while it waits: it can ` +
              "never answer. Start it in another thread or process (startTestServerInWorker() from " +
              "matterapi/testing for the fake server).",
            UsageError,
          );
        }
      }
      if (bound !== undefined && now >= bound) {
        this.#fail("the SyncClient's worker did not answer within the call's deadline (plus slack)");
      }
      const slice = bound === undefined ? SLICE_MS : Math.max(1, Math.min(SLICE_MS, bound - now));
      Atomics.wait(this.#flag, 0, 0, slice);
    }
  }

  #death(): string | undefined {
    return Atomics.load(this.#status, STATUS.state) === WORKER.dead ? deathReason(this.#status) : undefined;
  }

  /** Stops the worker for good and throws; every later call throws the same kind of error at once. */
  #fail(message: string, cls: new (message: string) => Error = SyncWorkerError): never {
    this.#stop(message, cls);
    throw new cls(message);
  }

  #stop(message: string, cls: new (message: string) => Error = SyncWorkerError): void {
    if (this.closed) return;
    this.#failure = () => new cls(`the SyncClient was stopped: ${message}`);
    this.terminate();
  }

  terminate(): void {
    this.closed = true;
    void this.#worker.terminate();
  }
}
