/**
 * Trigger ids as the server makes and checks them (model/integration_action.go GenerateTriggerId and
 * DecodeAndVerifyTriggerId, 02c023520cfd595183e4512996170b2fd97cc7f2): base64 of
 * "<client trigger id>:<user id>:<unix ms>:<base64 ECDSA signature>", the signature an ASN.1 (DER) ECDSA P-256
 * signature over SHA-256 of the first three parts and their colons, made with the server's asymmetric signing key.
 * The integration gets the whole thing; the client (the open_dialog event) gets only the client trigger id.
 */
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import { AppErrorReply } from "./app-error.js";
import { newId } from "./ids.js";

export class TriggerIds {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor() {
    // The server's AsymmetricSigningKey is an ECDSA P-256 key made once per installation.
    const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
  }

  /** A new trigger id for the user: the client's part and the signed whole. */
  generate(userId: string, now = Date.now()): { clientTriggerId: string; triggerId: string } {
    const clientTriggerId = newId();
    const data = `${clientTriggerId}:${userId}:${now}:`;
    const signature = createSign("sha256").update(data).sign(this.#privateKey).toString("base64");
    return { clientTriggerId, triggerId: Buffer.from(data + signature).toString("base64") };
  }

  /**
   * The client trigger id and user of a trigger id, or the server's 400 (each failure with its own error id).
   * `lifetimeMs` is the server's OutgoingIntegrationRequestsTimeout, which is also how long a trigger id lives.
   */
  verify(triggerId: unknown, lifetimeMs: number, now = Date.now()): { clientTriggerId: string; userId: string } {
    const raw = typeof triggerId === "string" ? triggerId : "";
    if (!isStdBase64(raw)) throw triggerError("base64_decode_failed", "Unable to decode the trigger id.");
    const parts = Buffer.from(raw, "base64").toString("utf8").split(":");
    if (parts.length !== 4) throw triggerError("missing_data", "The trigger id is missing required data.");
    const [clientTriggerId, userId, timestamp, signature] = parts;
    // Go's ParseInt error is ignored: an unreadable timestamp counts as 0, long expired.
    const at = /^-?\d{1,19}$/.test(timestamp) ? Number(timestamp) : 0;
    if (now - at > lifetimeMs) {
      throw triggerError("expired", `The trigger id expired: trigger ids are valid for ${lifetimeMs / 1000}s.`);
    }
    if (!isStdBase64(signature)) {
      throw triggerError("base64_decode_failed_signature", "Unable to decode the trigger id's signature.");
    }
    const der = Buffer.from(signature, "base64");
    if (!isDerSequence(der))
      throw triggerError("signature_decode_failed", "Unable to read the trigger id's signature.");
    let valid = false;
    try {
      valid = createVerify("sha256").update(`${clientTriggerId}:${userId}:${timestamp}:`).verify(this.#publicKey, der);
    } catch {
      valid = false;
    }
    if (!valid) throw triggerError("verify_signature_failed", "The trigger id's signature does not verify.");
    return { clientTriggerId, userId };
  }
}

/** interactive_message.decode_trigger_id.*: all 400 (the English texts are ours, not read from en.json). */
function triggerError(what: string, message: string): AppErrorReply {
  return new AppErrorReply(400, `interactive_message.decode_trigger_id.${what}`, message);
}

/** Go's base64.StdEncoding: padded standard alphabet, nothing else. */
function isStdBase64(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}

/** A DER SEQUENCE of two INTEGERs, which is what asn1.Unmarshal into {R, S *big.Int} accepts (roughly). */
function isDerSequence(der: Buffer): boolean {
  if (der.length < 8 || der[0] !== 0x30) return false;
  const length = der[1];
  if (length >= 0x80 || length + 2 > der.length) return false;
  return der[2] === 0x02;
}
