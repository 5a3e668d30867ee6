import crypto from "node:crypto";

const PREFIX = "enc:";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

/** The value was sealed with another key, or was altered: GCM cannot tell the two apart. */
export class WrongMasterKeyError extends Error {
  constructor() {
    super("cannot decrypt: wrong master key");
    this.name = "WrongMasterKeyError";
  }
}

/** The text is not an `enc:<base64>` value at all (truncated, hand-edited, not base64). */
export class MalformedEncryptedValueError extends Error {
  constructor(reason: string) {
    super(`not a valid encrypted value: ${reason}`);
    this.name = "MalformedEncryptedValueError";
  }
}

export function isEncryptedValue(value: string): boolean {
  return value.startsWith(PREFIX);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`the master key must be ${MASTER_KEY_BYTES} bytes (got ${key.length})`);
}

/** AES-256-GCM with a fresh random IV: `enc:<base64(iv ‖ ciphertext ‖ tag)>`. */
export function encryptValue(plain: string, key: Uint8Array): string {
  checkKey(key);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
}

export function decryptValue(value: string, key: Uint8Array): string {
  checkKey(key);
  if (!isEncryptedValue(value)) throw new MalformedEncryptedValueError('expected "enc:<base64>"');
  const encoded = value.slice(PREFIX.length).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new MalformedEncryptedValueError("the part after enc: is not base64");
  const raw = Buffer.from(encoded, "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new MalformedEncryptedValueError("too short to hold an IV and an authentication tag");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new WrongMasterKeyError();
  }
}
