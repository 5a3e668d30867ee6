import { describe, expect, it } from "vitest";
import { formatDate, formatTable, withArticle } from "./output.ts";

describe("CLI output helpers", () => {
  it("pads columns to the widest cell, two spaces apart, with no trailing spaces", () => {
    expect(formatTable(["NAME", "EMAIL", "ROLE"], [["Alice", "alice@example.com", "owner"], ["Bob", "b@x.io", ""]])).toBe(
      ["NAME   EMAIL              ROLE", "Alice  alice@example.com  owner", "Bob    b@x.io"].join("\n") + "\n",
    );
  });

  it("prints dates in UTC to the minute, and 'never' for none", () => {
    expect(formatDate(new Date("2026-11-23T14:05:59.999Z"))).toBe("2026-11-23 14:05 UTC");
    expect(formatDate(null)).toBe("never");
  });

  it("chooses the article", () => {
    expect([withArticle("admin"), withArticle("owner"), withArticle("member")]).toEqual(["an admin", "an owner", "a member"]);
  });
});
