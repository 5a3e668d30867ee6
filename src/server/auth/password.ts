import crypto from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };

// Stored as `scrypt$N$r$p$<salt b64>$<hash b64>` so the parameters can change later.
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password.normalize("NFKC"), salt, 32, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = stored?.split("$");
  if (!parts || parts.length !== 6 || parts[0] !== "scrypt") {
    // Same work as a real check, so timing does not tell whether the account has a password.
    await scrypt(password, crypto.randomBytes(16), 32, PARAMS);
    return false;
  }
  const [, n, r, p, salt, expected] = parts;
  const actual = await scrypt(password.normalize("NFKC"), Buffer.from(salt!, "base64"), 32, { N: Number(n), r: Number(r), p: Number(p) });
  const want = Buffer.from(expected!, "base64");
  return want.length === actual.length && crypto.timingSafeEqual(want, actual);
}
