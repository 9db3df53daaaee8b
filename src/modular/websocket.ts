/** The event stream for a client of matterapi/core: in its own module, so that an app without it pays nothing. */
import { rawRequest } from "../core/raw-request.js";
import { MattermostWebSocket, type StreamHost, type WebSocketOptions } from "../ws/client.js";
import { type CoreHolder, coreOf } from "./operation.js";

/**
 * A client of the event stream (`/api/v4/websocket`), authenticated like `client` (a password client uses its
 * login token), as AsyncClient.websocket(): call `connect()`, or iterate it. `client.close()` closes it too.
 */
export function websocket(client: CoreHolder, options?: WebSocketOptions): MattermostWebSocket {
  const core = coreOf(client, "websocket");
  // The stream asks for the current user through the client's request pipeline (a catch-up, a token check).
  const host: StreamHost = { _core: core, request: (method, path, init) => rawRequest(core, method, path, init ?? {}) };
  // The stream registers with the client while it is not closed, so that client.close() closes it.
  return new MattermostWebSocket(host, options);
}
