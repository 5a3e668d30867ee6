import { describe, expect, it } from "vitest";
import { formatTimeLeft } from "./time-left.ts";

describe("formatTimeLeft", () => {
  const now = Date.UTC(2026, 0, 1);
  const at = (seconds: number) => new Date(now + seconds * 1000);

  it("says the two largest units", () => {
    expect(formatTimeLeft(at(2 * 3600 + 13 * 60 + 59), now)).toBe("2 h 13 min");
    expect(formatTimeLeft(at(3 * 86_400 + 4 * 3600 + 5), now)).toBe("3 d 4 h");
    expect(formatTimeLeft(at(13 * 60 + 5), now)).toBe("13 min 5 s");
    expect(formatTimeLeft(at(45), now)).toBe("45 s");
  });

  it("drops a zero second unit instead of skipping to the next one", () => {
    expect(formatTimeLeft(at(86_400 + 59 * 60), now)).toBe("1 d");
    expect(formatTimeLeft(at(3600 + 30), now)).toBe("1 h");
  });

  it("says now once the time has come", () => {
    expect(formatTimeLeft(at(0), now)).toBe("now");
    expect(formatTimeLeft(at(-10), now)).toBe("now");
  });
});
