/**
 * Secrets compared in constant time, and action contexts signed by us.
 *
 * Mattermost echoes an action's `integration.context` back to the action URL on every click
 * (PostActionIntegrationRequest.Context, server/public/model/integration_action.go @ 02c023520cfd). Anyone who can
 * reach the URL can POST any context, so a context that decides something is signed here with HMAC-SHA256 over
 * the context, an issued-at time, a random nonce and the action it belongs to, and checked in constant time with a
 * freshness window; an optional replay store makes each signed context single use.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { UsageError } from "../core/errors.js";
import { RequestRefused } from "./incoming.js";

/**
 * Whether `given` equals one of `accepted` (several for token rotation), in time that does not depend on where
 * they differ or on their lengths: both sides are hashed first, and every accepted token is compared.
 */
export function tokenMatches(given: string | undefined, accepted: readonly string[]): boolean {
  const digest = createHash("sha256")
    .update(given ?? "")
    .digest();
  let match = false;
  for (const token of accepted) {
    const equal = timingSafeEqual(digest, createHash("sha256").update(token).digest());
    match = (equal && token.length > 0 && given !== undefined) || match;
  }
  return match;
}

/** Checks a list of tokens given as options: at least one, none empty. */
export function checkTokens(tokens: string | readonly string[] | undefined, what: string): readonly string[] {
  const list = typeof tokens === "string" ? [tokens] : (tokens ?? []);
  if (list.length === 0 || list.some((t) => typeof t !== "string" || t.length === 0)) {
    throw new UsageError(`${what}: \`token\` must be a non-empty string or a list of them (the ${what}'s token)`);
  }
  return list;
}

/** The key under which the signature travels in the context. */
export const SIGNATURE_KEY = "matterapi_signature";
/** The key of the action name the signature binds. */
export const ACTION_KEY = "matterapi_action";
/** Added to the context by the server for menus (app/integration_action.go @ 0029e8dacc78): not signed. */
export const SELECTED_OPTION_KEY = "selected_option";

/** What a signature may be bound to, besides its action name: a click from elsewhere is refused. */
export interface SignatureBinding {
  /** The name of the action (e.g. "vote"): a context signed for one action is refused by another. */
  action: string;
  /** Only clicks in this channel are accepted. */
  channelId?: string;
  /** Only clicks by this user are accepted (e.g. buttons of an ephemeral message). */
  userId?: string;
}

/** Where nonces are remembered, to refuse a second use of a signed context. */
export interface ReplayStore {
  /** Records `key` until `expiresAt` (ms since the epoch); false when it was already there. */
  use(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * A replay store in memory, bounded: expired entries are dropped as new ones come; when `maxEntries` unexpired
 * entries are held, new clicks are refused (503) rather than forgetting a nonce that could then be replayed.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;
  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }
  get size(): number {
    return this.#entries.size;
  }
  use(key: string, expiresAt: number): boolean {
    const now = this.#now();
    const known = this.#entries.get(key);
    if (known !== undefined && known > now) return false;
    if (this.#entries.size >= this.#max) {
      for (const [k, until] of this.#entries) if (until <= now) this.#entries.delete(k);
      if (this.#entries.size >= this.#max)
        throw new RequestRefused(503, "too many recent single-use clicks; try again later");
    }
    this.#entries.delete(key);
    this.#entries.set(key, expiresAt);
    return true;
  }
}

export interface ActionSignerOptions {
  /** The HMAC key: at least 32 bytes (a string is taken as UTF-8). Keep it out of code and logs. */
  secret: string | Uint8Array;
  /** Older keys still accepted when verifying (key rotation). */
  previousSecrets?: readonly (string | Uint8Array)[];
  /** How long a signed context stays valid, in ms (default 1 hour). */
  maxAge?: number;
  /** Tolerated clock difference for an issued-at time in the future, in ms (default 60 s). */
  clockSkew?: number;
  /** Makes each signed context single use: a second click with the same nonce is refused. */
  replayStore?: ReplayStore;
  /** With a replay store: one use per nonce (default), or one use per nonce and user (e.g. one vote each). */
  singleUse?: "nonce" | "nonce-and-user";
  now?: () => number;
}

/** A verified click: the context as we signed it, plus what the server added. */
export interface VerifiedContext<C> {
  context: C;
  action: string;
  issuedAt: number;
  nonce: string;
  /** The menu choice the server added (`selected_option`), if any: user input, not signed. */
  selectedOption: string | undefined;
}

/** What verify() needs of an action request. */
interface ClickFacts {
  context?: Record<string, unknown> | null | undefined;
  user_id?: string;
  channel_id?: string;
}

export interface ActionSigner {
  /** The context to put in `integration.context`, with the signature and action name added. */
  sign<C extends Record<string, unknown>>(context: C, binding: SignatureBinding): C & Record<string, string>;
  /**
   * Checks a click's context: 403 when it is not signed by us, altered, for another action, channel or user, or
   * older than `maxAge`; 409 when already used (with a replay store).
   */
  verify<C extends Record<string, unknown>>(request: ClickFacts, action?: string): Promise<VerifiedContext<C>>;
}

const MIN_SECRET_BYTES = 32;

function keyBytes(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < MIN_SECRET_BYTES) {
    throw new UsageError(`the action signing secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

/** JSON with object keys sorted at every depth: the same context always gives the same bytes. */
export function canonicalJson(value: unknown, path = "context", depth = 0): string {
  if (depth > 32) throw new UsageError(`${path} is nested too deeply to sign`);
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new UsageError(`${path} is ${value}, which JSON cannot carry`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`, depth + 1)).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).sort();
    const parts = keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map(
        (k) =>
          `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1)}`,
      );
    return `{${parts.join(",")}}`;
  }
  throw new UsageError(`${path} is a ${typeof value}, which JSON cannot carry as it is`);
}

function material(v: string, iat: string, nonce: string, binding: SignatureBinding, context: unknown): string {
  // Each field on its own line; the binding fields cannot contain a newline (checked when signing).
  return [v, iat, nonce, binding.action, binding.channelId ?? "", binding.userId ?? "", canonicalJson(context)].join(
    "\n",
  );
}

function withoutSignatureFields(context: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(context)) {
    if (k !== SIGNATURE_KEY && k !== SELECTED_OPTION_KEY) rest[k] = v;
  }
  return rest;
}

const SIGNATURE = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{16,64})\.([^.]*)\.([^.]*)\.([A-Za-z0-9_-]{43})$/;

export function createActionSigner(options: ActionSignerOptions): ActionSigner {
  const keys = [keyBytes(options.secret), ...(options.previousSecrets ?? []).map(keyBytes)];
  const maxAge = options.maxAge ?? 3_600_000;
  const skew = options.clockSkew ?? 60_000;
  const now = options.now ?? Date.now;
  const mac = (key: Uint8Array, text: string) => createHmac("sha256", key).update(text).digest();

  return {
    sign(context, binding) {
      if (context === null || typeof context !== "object" || Array.isArray(context)) {
        throw new UsageError("the action context to sign must be a plain object");
      }
      for (const [name, value] of Object.entries(binding)) {
        if (value !== undefined && (typeof value !== "string" || /[\n.]/.test(value) || value.length > 200)) {
          throw new UsageError(
            `signature binding "${name}" must be a string of at most 200 characters without "." or newlines`,
          );
        }
      }
      if (!binding.action) throw new UsageError("signature binding `action` (the action's name) is required");
      if (SIGNATURE_KEY in context || SELECTED_OPTION_KEY in context) {
        throw new UsageError(`the context must not use the keys "${SIGNATURE_KEY}" or "${SELECTED_OPTION_KEY}"`);
      }
      const signed: Record<string, unknown> = { ...context, [ACTION_KEY]: binding.action };
      const iat = String(Math.floor(now()));
      const nonce = randomBytes(16).toString("base64url");
      const digest = mac(keys[0]!, material("v1", iat, nonce, binding, signed)).toString("base64url");
      // The channel and user bound travel in the signature (not secret: the server knows both).
      signed[SIGNATURE_KEY] = `v1.${iat}.${nonce}.${binding.channelId ?? ""}.${binding.userId ?? ""}.${digest}`;
      return signed as never;
    },

    async verify<C extends Record<string, unknown>>(request: ClickFacts, expectedAction?: string) {
      const context = request.context;
      if (!context || typeof context !== "object" || Array.isArray(context)) {
        throw new RequestRefused(403, "the action has no signed context");
      }
      const signature = context[SIGNATURE_KEY];
      const parts = typeof signature === "string" ? SIGNATURE.exec(signature) : null;
      if (!parts) throw new RequestRefused(403, "the action's context is not signed");
      const [, iat, nonce, channelId, userId, digest] = parts as unknown as string[];
      const action = context[ACTION_KEY];
      if (typeof action !== "string" || action === "")
        throw new RequestRefused(403, "the action's context names no action");
      const binding: SignatureBinding = { action };
      if (channelId) binding.channelId = channelId;
      if (userId) binding.userId = userId;
      let text: string;
      try {
        text = material("v1", iat!, nonce!, binding, withoutSignatureFields(context));
      } catch {
        throw new RequestRefused(403, "the action's context cannot be verified (nested too deeply)");
      }
      const given = Buffer.from(digest!, "base64url");
      let valid = false;
      for (const key of keys) valid = timingSafeEqual(mac(key, text), given) || valid;
      if (!valid) throw new RequestRefused(403, "the action's signature does not match (forged or altered context)");
      if (expectedAction !== undefined && action !== expectedAction) {
        throw new RequestRefused(403, `the context was signed for action "${action}", not "${expectedAction}"`);
      }
      if (channelId && request.channel_id !== channelId)
        throw new RequestRefused(403, "the action was signed for another channel");
      if (userId && request.user_id !== userId) throw new RequestRefused(403, "the action was signed for another user");
      const issuedAt = Number(iat);
      const age = now() - issuedAt;
      if (age < -skew) throw new RequestRefused(403, "the action's signature is from the future (check the clocks)");
      if (age > maxAge)
        throw new RequestRefused(403, `the action expired (signed over ${Math.round(maxAge / 1000)} s ago)`);
      if (options.replayStore) {
        const key = options.singleUse === "nonce-and-user" ? `${nonce}:${request.user_id ?? ""}` : nonce!;
        if (!(await options.replayStore.use(key, issuedAt + maxAge + skew))) {
          throw new RequestRefused(409, "the action was already used");
        }
      }
      const selected = context[SELECTED_OPTION_KEY];
      const clean = withoutSignatureFields(context);
      delete clean[ACTION_KEY];
      return {
        context: clean as C,
        action,
        issuedAt,
        nonce: nonce!,
        selectedOption: typeof selected === "string" ? selected : undefined,
      };
    },
  };
}
