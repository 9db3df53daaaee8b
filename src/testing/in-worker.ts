/**
 * startTestServerInWorker(): the fake server in a worker thread of its own, for tests of a SyncClient. A SyncClient
 * blocks its thread while it waits, so a server started in that same thread could never answer it.
 *
 *   const server = await startTestServerInWorker();
 *   const sd = new SyncClient({ url: server.url, auth: { token: server.admin.token } });
 *   ...
 *   sd.close();
 *   await server.close();
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Stats } from "./env.js";
import type { Faults, TestServer, TestServerOptions } from "./server.js";

export interface TestServerInWorker
  extends Pick<TestServer, "url" | "admin" | "user" | "mfaUser" | "bot" | "team" | "channels"> {
  /** The server's fault controls, run in its thread. */
  faults: { [K in keyof Faults]: (...args: Parameters<Faults[K]>) => Promise<void> };
  stats(): Promise<Stats>;
  /** Sends an event on the stream, as TestServer.publish. */
  publish(...args: Parameters<TestServer["publish"]>): Promise<void>;
  /** Closes the server and ends its thread. */
  close(): Promise<void>;
}

const FAULTS: readonly (keyof Faults)[] = [
  "next",
  "clear",
  "closeWebSockets",
  "forgetConnections",
  "silenceWebSockets",
  "refuseWebSockets",
  "expireSession",
];

/** The worker file: the bundle's testing-server-worker.js next to this module, or server-worker.ts via tsx. */
function workerScript(): string {
  for (const candidate of ["./testing-server-worker.js", "../testing-server-worker.js"]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return `import(${JSON.stringify(url.href)})`;
  }
  const source = new URL("./server-worker.ts", import.meta.url).href;
  return `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
}

export async function startTestServerInWorker(options: TestServerOptions = {}): Promise<TestServerInWorker> {
  // A failure to load reaches "error" like any other: this thread is not blocked while it starts.
  const worker = new Worker(`${workerScript()}.catch((error) => { throw error; });`, {
    eval: true,
    workerData: { options },
  });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 1;
  let gone: Error | undefined;
  const fail = (error: Error) => {
    gone ??= error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the test server's thread exited (${code})`)));

  const details = await new Promise<Omit<TestServerInWorker, "faults" | "stats" | "publish" | "close">>(
    (resolve, reject) => {
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the test server's thread exited (${code}) before it started`)));
      worker.on("message", (message: { ready?: TestServerInWorker; id?: number; result?: unknown; error?: string }) => {
        if (message.ready) resolve(message.ready);
        else if (message.id !== undefined) {
          const w = waiting.get(message.id);
          waiting.delete(message.id);
          if (waiting.size === 0) worker.unref();
          if (message.error !== undefined) w?.reject(new Error(message.error));
          else w?.resolve(message.result);
        }
      });
    },
  );
  // A test that forgets close() must still end: the thread keeps the process alive only while a command runs.
  worker.unref();

  const send = <T>(command: string, name: string | undefined, args: unknown[]): Promise<T> => {
    if (gone) return Promise.reject(gone);
    return new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, command, name, args });
    });
  };
  const faults = Object.fromEntries(
    FAULTS.map((name) => [name, (...args: unknown[]) => send<void>("fault", name, args)]),
  ) as TestServerInWorker["faults"];

  return {
    ...details,
    faults,
    stats: () => send<Stats>("stats", undefined, []),
    publish: (...args) => send<void>("publish", undefined, args),
    close: async () => {
      if (gone) return;
      await send("close", undefined, []);
      await worker.terminate();
    },
  };
}
