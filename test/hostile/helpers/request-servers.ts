/**
 * Hostile loopback servers for the REQ part of issue 10 (path encoding, redirects, compressed answers). Each one
 * records every request it receives (its raw request target, headers and body), so a test can assert what never
 * reached it.
 */
import type { ServerResponse } from "node:http";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { type Handler, json, startServer, type TestServer } from "../../helpers/http-server.js";

export type { TestServer };

/** A user record that passes strict validation. */
export const user = {
  id: "u1",
  username: "jane",
  delete_at: 0,
  auth_service: "",
  email: "",
  nickname: "",
  first_name: "",
  last_name: "",
  position: "",
  roles: "",
  locale: "en",
};

/** Answers every request with a user (and a Token header on the login), recording each raw path. */
export function startRecordingServer(): Promise<TestServer> {
  return startServer((req, res) => {
    const token = req.url?.startsWith("/api/v4/users/login") ? { token: "session-from-recorder" } : undefined;
    json(res, 200, user, token);
  });
}

/** Answers every request with `status` and a Location made from the request's own path. */
export function startRedirector(status: number, location: (path: string) => string | undefined): Promise<TestServer> {
  return startServer((req, res) => {
    const target = location(req.url ?? "/");
    res.writeHead(status, {
      "content-type": "text/html",
      ...(target === undefined ? {} : { location: target }),
    });
    // What a front proxy sends along: a page that must never be taken for the answer.
    res.end("<html><body>Moved</body></html>");
  });
}

/** A server that redirects within itself: `/hop/<n>/rest` sends to `/hop/<n-1>/rest`, `/hop/0/rest` answers. */
export function startSameOriginHops(): Promise<TestServer> {
  return startServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const hop = /^\/hop\/(\d+)(\/.*)$/.exec(url.pathname);
    if (url.pathname === "/loop/api/v4/users/me") return redirect(res, 302, "/loop/api/v4/users/me");
    if (!hop) return json(res, 200, user);
    const n = Number(hop[1]);
    if (n === 0) return json(res, 200, user);
    // Relative, as servers often send it.
    redirect(res, req.method === "POST" ? 307 : 302, `/hop/${n - 1}${hop[2]}`);
  });
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, "content-type": "text/plain" });
  res.end("redirecting");
}

export type Coding = "gzip" | "x-gzip" | "br" | "deflate" | "gzip, br";

export function encode(coding: Coding, data: Buffer): Buffer {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return gzipSync(data);
    case "br":
      return brotliCompressSync(data);
    case "deflate":
      return deflateSync(data);
    case "gzip, br":
      // Applied in the order listed: gzip first, then br.
      return brotliCompressSync(gzipSync(data));
  }
}

/**
 * Compresses whatever the client accepts or not (as misconfigured proxies do). Paths:
 * `/c/<coding>/api/v4/users/<id>` a user; `/c/<coding>/api/v4/files/<id>` 64 KiB of bytes; `/c/<coding>/error/...`
 * a 404 AppError; `/c/garbage/...` a body that is not gzip but says it is; `/c/zstd/...` a coding never asked for;
 * `/c/empty/...` a 204 that says gzip and has no body.
 */
export function startCompressingServer(): Promise<TestServer> {
  const handler: Handler = (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const [, , coding, ...rest] = url.pathname.split("/");
    const path = `/${rest.join("/")}`;
    if (coding === "garbage") {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      return void res.end("this is not gzip at all");
    }
    if (coding === "zstd") {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "zstd" });
      return void res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]));
    }
    if (coding === "empty") {
      res.writeHead(204, { "content-encoding": "gzip" });
      return void res.end();
    }
    const c = decodeURIComponent(coding ?? "") as Coding;
    let status = 200;
    let type = "application/json";
    let body: Buffer;
    if (path.startsWith("/api/v4/files/")) {
      type = "application/octet-stream";
      body = Buffer.alloc(64 << 10);
      for (let i = 0; i < body.length; i++) body[i] = i % 251;
    } else if (path.startsWith("/api/v4/error/")) {
      status = 404;
      body = Buffer.from(JSON.stringify({ id: "api.context.404.app_error", message: "Sorry, not here." }));
    } else body = Buffer.from(JSON.stringify(user));
    res.writeHead(status, { "content-type": type, "content-encoding": c });
    res.end(encode(c, body));
  };
  return startServer(handler);
}
