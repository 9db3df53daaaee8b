/**
 * The worker side of startTestServerInWorker(): runs createTestServer() in its own thread, sends the seeded data,
 * then runs the commands the owning thread sends (faults, stats, publish, close).
 */
import { parentPort, workerData } from "node:worker_threads";
import { createTestServer, type TestServerOptions } from "./server.js";

const port = parentPort;
if (!port) throw new Error("server-worker.ts runs in a worker thread (startTestServerInWorker)");

const server = await createTestServer((workerData as { options?: TestServerOptions }).options ?? {});

interface Command {
  id: number;
  command: "fault" | "stats" | "publish" | "close";
  name?: string;
  args: unknown[];
}

port.on("message", async ({ id, command, name, args }: Command) => {
  try {
    let result: unknown;
    if (command === "fault") {
      const fault = (server.faults as unknown as Record<string, (...a: unknown[]) => unknown>)[name ?? ""];
      if (typeof fault !== "function") throw new Error(`no fault named ${name}`);
      fault.apply(server.faults, args);
    } else if (command === "stats") {
      result = { ...server.stats };
    } else if (command === "publish") {
      server.publish(...(args as Parameters<typeof server.publish>));
    } else if (command === "close") {
      await server.close();
    }
    port.postMessage({ id, result });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

port.postMessage({
  ready: {
    url: server.url,
    admin: server.admin,
    user: server.user,
    mfaUser: server.mfaUser,
    bot: server.bot,
    team: server.team,
    channels: server.channels,
  },
});
