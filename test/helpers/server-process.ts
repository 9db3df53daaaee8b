/** Starts the fake server in a child process (see server-child.ts) and talks to it over IPC. */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { TestServer } from "../../src/testing/index.js";
import { ROOT } from "./spec.js";

export type ServerDetails = Pick<TestServer, "url" | "admin" | "user" | "team" | "channels">;

export interface ServerProcess extends ServerDetails {
  command<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function startServerProcess(): Promise<ServerProcess> {
  const child: ChildProcess = fork(join(ROOT, "test/helpers/server-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  const details = await new Promise<ServerDetails>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the server process exited with ${code}`)));
    child.on("message", (message: { ready?: ServerDetails; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) resolve(message.ready);
      else if (message.id !== undefined) {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) w?.reject(new Error(message.error));
        else w?.resolve(message.result);
      }
    });
  });
  return {
    ...details,
    command: <T>(command: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, command, args });
      }),
    close: async () => {
      child.disconnect();
      await new Promise((r) => child.once("exit", r));
    },
  };
}
