/**
 * Where the examples run: a real server when MM_URL is set (with MM_TOKEN, or MM_LOGIN_ID and MM_PASSWORD),
 * otherwise the built-in fake server from matterapi/testing.
 */
import type { AsyncClient, ClientOptions } from "matterapi";
import { createTestServer, type TestServer } from "matterapi/testing";

export interface Target {
  /** What the demo prints about where it runs. */
  label: string;
  url: string;
  /** Token auth, when there is a token. */
  token?: ClientOptions["auth"];
  /** Password auth, when there is a login. */
  password?: ClientOptions["auth"];
  /** Extra client options for this target (TLS ...). */
  options: Partial<ClientOptions>;
  /** The fake server, when the examples run against it. */
  fake?: TestServer;
  close(): Promise<void>;
}

export async function target(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (env.MM_URL) {
    return {
      label: `the Mattermost server at ${env.MM_URL}`,
      url: env.MM_URL,
      token: env.MM_TOKEN ? { token: env.MM_TOKEN } : undefined,
      password:
        env.MM_LOGIN_ID && env.MM_PASSWORD ? { loginId: env.MM_LOGIN_ID, password: env.MM_PASSWORD } : undefined,
      options: env.MM_INSECURE === "1" ? { tls: { rejectUnauthorized: false } } : {},
      close: async () => {},
    };
  }
  const server = await createTestServer();
  return {
    label: `the built-in fake server at ${server.url} (set MM_URL and MM_TOKEN, or MM_LOGIN_ID and MM_PASSWORD, for a real one)`,
    url: server.url,
    token: { token: server.admin.token },
    password: { loginId: server.admin.username, password: server.admin.password },
    options: {},
    fake: server,
    close: () => server.close(),
  };
}

/** True when this module is the script node was started with (not imported by a test). */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  return Boolean(script) && new URL(url).pathname.replace(/\.ts$/, "") === script.replace(/\.ts$/, "");
}

/** The channel an example works in: MM_CHANNEL_ID, or the town square of the user's first team. */
export async function exampleChannel(client: AsyncClient): Promise<string> {
  if (process.env.MM_CHANNEL_ID) return process.env.MM_CHANNEL_ID;
  const [team] = await client.teams.getTeamsForUser("me");
  if (!team) throw new Error("the user is in no team: set MM_CHANNEL_ID");
  return (await client.channels.getChannelByName(team.id, "town-square")).id;
}
