import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "./columns.ts";

// Datetimes already in toISOString's form skip the Date round trip: the answer must still be
// exactly what the round trip gives, including where JavaScript rolls a date over.
describe("datetime text already in ISO form", () => {
  const days = ["01", "09", "10", "19", "20", "28", "29", "30", "31"];
  const samples = [
    ...["2026", "2028", "0000", "9999"].flatMap((year) => ["01", "02", "04", "12"].flatMap((month) => days.map((day) => `${year}-${month}-${day}T13:45:59.123Z`))),
    "2026-03-15T00:00:00.000Z",
    "2026-03-15T23:59:59.999Z",
    "2026-03-15T24:00:00.000Z", // hour 24 is the next day
    "2026-02-29T12:00:00.000Z", // not a leap year: 1 March
    "2028-02-29T12:00:00.000Z", // a leap year
    "2026-04-31T08:00:00.000Z", // April has 30 days: 1 May
  ];

  it("writes and reads back what new Date(text).toISOString() gives", () => {
    for (const text of samples) {
      const expected = new Date(Date.parse(text)).toISOString();
      expect(encodeValue("sqlite", "datetime", text, "t.at"), text).toBe(expected);
      expect(encodeValue("postgres", "datetime", text, "t.at"), text).toBe(expected);
      expect(decodeValue("sqlite", "datetime", text), text).toBe(expected);
    }
    expect(encodeValue("sqlite", "datetime", "2026-02-30T00:00:00.000Z", "t.at")).toBe("2026-03-02T00:00:00.000Z");
  });

  it("still refuses what is not a date-time with a zone", () => {
    expect(() => encodeValue("sqlite", "datetime", "2026-03-15T10:00:00.000", "t.at")).toThrow(/t\.at: "2026-03-15T10:00:00\.000" is not an ISO 8601 date-time with a zone/);
    expect(() => encodeValue("sqlite", "datetime", "2026-13-01T00:00:00.000Z", "t.at")).toThrow(/is not an ISO 8601 date-time/);
  });
});
