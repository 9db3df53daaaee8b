/** Starts Stoplight Prism on a free loopback port, serving the spec with our overlay applied. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "../../generator/generate.js";
import type { Model } from "../../generator/model.js";
import { OVERLAY_PATH, ROOT, SPEC_PATH } from "./spec.js";

export interface PrismServer {
  url: string;
  // biome-ignore lint/suspicious/noExplicitAny: the patched OpenAPI document.
  document: any;
  model: Model;
  log: () => string;
  close: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrism(): Promise<PrismServer> {
  const dir = mkdtempSync(join(tmpdir(), "matterapi-prism-"));
  const specFile = join(dir, "mattermost-openapi-v4.patched.json");
  const { document, model } = generate(SPEC_PATH, OVERLAY_PATH, specFile);
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules/@stoplight/prism-cli/dist/index.js"),
      "mock",
      specFile,
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "--errors",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Prism did not start within 90 s:\n${output.slice(-2000)}`)),
      90_000,
    );
    const check = () => {
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    document,
    model,
    log: () => output,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
