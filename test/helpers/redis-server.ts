/**
 * A real redis-server for the Redis checkpoint test: found on PATH (or at $REDIS_SERVER), started on a free
 * loopback port with its files in a folder the test gives, stopped (gracefully or with SIGKILL) by the test.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

export const HOW_TO_INSTALL_REDIS =
  "redis-server was not found on PATH (or at $REDIS_SERVER). Install it to run the Redis checkpoint test: " +
  "apt-get install redis-server (Debian, Ubuntu), brew install redis (macOS), or point REDIS_SERVER at the binary.";

/** The redis-server binary, or undefined when this machine has none. */
export function findRedisServer(): string | undefined {
  const explicit = process.env.REDIS_SERVER;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, "redis-server");
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Whether the Redis tests can run. Without the binary they are skipped with how to install it, except in CI (env
 * CI set), where a missing redis-server is an error.
 */
export function redisServerAvailable(): boolean {
  if (findRedisServer()) return true;
  if (process.env.CI) throw new Error(`${HOW_TO_INSTALL_REDIS} (required in CI)`);
  console.warn(`Skipping the Redis checkpoint test. ${HOW_TO_INSTALL_REDIS}`);
  return false;
}

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server: SIGTERM lets it finish writing its files, SIGKILL does not. Bounded: SIGKILL after 10 s. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function startOnce(binary: string, dir: string, port: number): Promise<RedisServer> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
  // Every write is fsynced to the append-only file before Redis answers: a checkpoint survives Redis dying.
  args.push("--appendonly", "yes", "--appendfsync", "always", "--logfile", "", "--daemonize", "no");
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stderr?.on("data", keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start within 20 s:\n${output}`));
    }, 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} while starting:\n${output}`));
    });
  });
  child.stdout?.removeAllListeners("data");
  child.stdout?.resume();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop(signal = "SIGTERM") {
      const done = exited(child);
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Starts redis-server with its files in `dir`, on `port` (a restart) or a free port (retried if taken meanwhile). */
export async function startRedisServer(dir: string, port?: number): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error(HOW_TO_INSTALL_REDIS);
  if (port !== undefined) return startOnce(binary, dir, port);
  let failure: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, dir, await freePort());
    } catch (error) {
      failure = error; // most likely the port was taken between freePort() and redis-server binding it
    }
  }
  throw failure;
}
