import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decryptValue, encryptValue, MalformedEncryptedValueError, WrongMasterKeyError } from "./encrypted-value.ts";

const key = crypto.randomBytes(32);

describe("enc: values (AES-256-GCM)", () => {
  it("round-trips any text, and the stored form is enc:<base64(iv ‖ ciphertext ‖ tag)>", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (plain) => {
        const sealed = encryptValue(plain, key);
        expect(sealed).toMatch(/^enc:[A-Za-z0-9+/]+={0,2}$/);
        expect(Buffer.from(sealed.slice(4), "base64").length).toBe(12 + Buffer.byteLength(plain) + 16);
        expect(decryptValue(sealed, key)).toBe(plain);
      }),
    );
  });

  it("uses a fresh IV every time, so equal values do not look equal", () => {
    expect(encryptValue("postgres://a:b@h/d", key)).not.toBe(encryptValue("postgres://a:b@h/d", key));
  });

  it("with another key fails with WrongMasterKeyError, never garbage", () => {
    const sealed = encryptValue("sk-secret", key);
    const other = crypto.randomBytes(32);
    expect(() => decryptValue(sealed, other)).toThrow(WrongMasterKeyError);
    expect(() => decryptValue(sealed, other)).toThrow(/^cannot decrypt: wrong master key$/);
  });

  it("reports a tampered ciphertext, IV or tag the same way", () => {
    const raw = Buffer.from(encryptValue("sk-secret", key).slice(4), "base64");
    for (const index of [0, 12, raw.length - 1]) {
      const altered = Buffer.from(raw);
      altered[index]! ^= 0x01;
      expect(() => decryptValue("enc:" + altered.toString("base64"), key)).toThrow("cannot decrypt: wrong master key");
    }
  });

  it("calls a value that is not enc:<base64> malformed", () => {
    expect(() => decryptValue("sk-secret", key)).toThrow(new MalformedEncryptedValueError('expected "enc:<base64>"'));
    expect(() => decryptValue("enc:***", key)).toThrow("not a valid encrypted value: the part after enc: is not base64");
    expect(() => decryptValue("enc:AAAA", key)).toThrow("not a valid encrypted value: too short to hold an IV and an authentication tag");
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => encryptValue("x", crypto.randomBytes(16))).toThrow("the master key must be 32 bytes (got 16)");
  });
});
