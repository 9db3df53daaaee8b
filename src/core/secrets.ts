/** The secret values a client holds, so that messages built from errors and answers can have them cut out. */
import { isPasswordAuth, type ResolvedOptions } from "./options.js";
import { redactHeaders } from "./redact.js";

export function clientSecrets(
  options: ResolvedOptions,
  token: string | undefined,
  baseHeaders: Record<string, string>,
): string[] {
  const auth = options.auth;
  const secrets = [token, options.proxy?.authorization, proxyPassword(options.proxy?.url)];
  if (auth) secrets.push(isPasswordAuth(auth) ? auth.password : "token" in auth ? auth.token : undefined);
  for (const [name, value] of Object.entries(baseHeaders)) {
    if (redactHeaders({ [name]: value })[name] !== value) secrets.push(value);
  }
  return secrets.filter((s): s is string => typeof s === "string" && s !== "");
}

/** The password in a proxy URL's userinfo (undici sends it as Proxy-Authorization), if any. */
function proxyPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}
