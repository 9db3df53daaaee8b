/** Mattermost-shaped ids: 26 characters of lower-case base32 (model.NewId). */
import { randomBytes } from "node:crypto";

const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

export function newId(): string {
  const bytes = randomBytes(16);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.slice(0, 26);
}

/** model.IsValidId: what the server accepts as an id. */
export function isValidId(value: unknown): value is string {
  return typeof value === "string" && /^[a-z0-9]{26}$/.test(value);
}
