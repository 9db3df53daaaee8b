/**
 * client.close() closes the event streams the client opened (client.websocket(), startWs): their for-await loops
 * finish, startWs resolves, and nothing is left to keep the process alive.
 */
import { fork } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncClient, type MattermostWebSocket } from "../../src/index.js";
import { createTestServer, type TestServer } from "../../src/testing/index.js";

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer();
});
afterAll(async () => {
  server?.faults.refuseWebSockets(false);
  await server?.close();
});

const newClient = () => new AsyncClient({ url: server.url, auth: { token: server.user.token } });

/** Reads a stream to its end; resolves with how many events it saw. */
async function drain(ws: MattermostWebSocket): Promise<number> {
  let n = 0;
  for await (const _ of ws) n++;
  return n;
}

describe("client.close() and the client's event streams", () => {
  it("ends a for-await loop over client.websocket()", async () => {
    const client = newClient();
    const ws = client.websocket();
    await ws.connect();
    const loop = drain(ws);
    await client.close();
    await expect(loop).resolves.toBeGreaterThanOrEqual(0);
    expect(ws.state).toBe("closed");
  });

  it("makes startWs resolve", async () => {
    const client = newClient();
    let calls = 0;
    const running = client.startWs(() => {
      calls++;
    });
    // Wait until it is connected: a post to the user's channel reaches the handler.
    const poster = new AsyncClient({ url: server.url, auth: { token: server.admin.token } });
    for (let i = 0; i < 50 && calls === 0; i++) {
      await poster.posts.createPost({ channel_id: server.channels.townSquare.id, message: `ping ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await poster.close();
    expect(calls).toBeGreaterThan(0);
    await client.close();
    await expect(running).resolves.toBeUndefined();
  });

  it("makes startWs resolve when it is closed before the stream opened", async () => {
    server.faults.refuseWebSockets(true);
    const client = newClient();
    const running = client.startWs(() => {}, { connectTimeout: 60_000, initialReconnectDelay: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.close();
    server.faults.refuseWebSockets(false);
    await expect(running).resolves.toBeUndefined();
  });

  it("ends a stream that is reconnecting, and one iterated before it connected", async () => {
    const client = newClient();
    const reconnecting = client.websocket({ initialReconnectDelay: 20 });
    reconnecting.on("error", () => {});
    await reconnecting.connect();
    const first = drain(reconnecting);
    server.faults.refuseWebSockets(true);
    server.faults.closeWebSockets(1001);
    const lazy = client.websocket({ connectTimeout: 60_000 });
    lazy.on("error", () => {});
    const second = drain(lazy); // iterating connects; the server refuses, so it keeps trying
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reconnecting.state).not.toBe("closed");
    await client.close();
    server.faults.refuseWebSockets(false);
    await expect(first).resolves.toBeGreaterThanOrEqual(0);
    await expect(second).resolves.toBeGreaterThanOrEqual(0);
    expect([reconnecting.state, lazy.state]).toEqual(["closed", "closed"]);
  });

  it("leaves nothing that keeps the process alive", async () => {
    // A free port that nobody listens on, for a stream that can only retry.
    const deadPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const child = fork(
      new URL("./helpers/close-streams-child.ts", import.meta.url),
      [server.url, server.user.token, `http://127.0.0.1:${deadPort}`],
      { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] },
    );
    const report = new Promise<unknown>((resolve) => child.once("message", resolve));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // Bounded, so that a process kept alive fails the test instead of hanging it.
    const bound = setTimeout(() => child.kill(), 30_000);
    try {
      expect(await exit).toBe(0);
      expect(await report).toEqual({
        ended: ["iterator", "startWs", "retrying iterator"],
        states: ["closed", "closed"],
      });
    } finally {
      clearTimeout(bound);
      child.kill();
    }
  });
});
