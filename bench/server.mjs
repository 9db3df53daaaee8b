// The benchmark's server: answers fixture payloads on loopback, in its own process so that its CPU is not
// counted as the client's. Prints its URL on the first line of stdout.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const fixtures = process.argv[2];
const load = (name) => readFileSync(join(fixtures, name));
const routes = {
  "/api/v4/users/me": load("user.json"),
  "/api/v4/channels/postlist60/posts": load("postlist60.json"),
  "/api/v4/channels/postlist200/posts": load("postlist200.json"),
};

const server = createServer((req, res) => {
  const body = routes[req.url.split("?")[0]];
  if (!body) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"id":"api.context.404.app_error","message":"not found","detailed_error":"","status_code":404}');
    return;
  }
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length, "x-request-id": "bench" });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on("disconnect", () => process.exit(0));
