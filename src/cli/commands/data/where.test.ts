import { describe, expect, it } from "vitest";
import { UsageError } from "../../command-spec.ts";
import { keyFromText, parseCount, parseOrder, parseWhere, valueFromText, type EntityShape } from "./where.ts";

const items: EntityShape = {
  name: "items",
  primaryKey: "id",
  columns: [
    { name: "id", type: "integer" },
    { name: "title", type: "text" },
    { name: "done", type: "boolean" },
    { name: "price", type: "real" },
    { name: "due", type: "datetime" },
  ],
};

describe("--where on the command line", () => {
  it("turns each operator into the library's condition, with the value in the column's type", () => {
    expect(parseWhere(["id=3", "title!=x", "price>2.5", "price<=10", "done=true", "due>=2026-01-01", "title~%doc%"], items)).toEqual({
      id: { eq: 3 },
      title: { ne: "x", like: "%doc%" },
      price: { gt: 2.5, lte: 10 },
      done: { eq: true },
      due: { gte: "2026-01-01" },
    });
    expect(parseWhere([], items)).toBeUndefined();
  });

  it("allows spaces around the operator and keeps = inside the value", () => {
    expect(parseWhere(["price >= 3", "title = a=b c"], items)).toEqual({ price: { gte: 3 }, title: { eq: "a=b c" } });
  });

  it("reads an unquoted null as IS NULL / IS NOT NULL, and a quoted value literally", () => {
    expect(parseWhere(["due=null", "title!=null"], items)).toEqual({ due: { isNull: true }, title: { isNull: false } });
    expect(parseWhere(['title="null"', 'id="7"', 'title!=" padded "'], items)).toEqual({ title: { eq: "null", ne: " padded " }, id: { eq: 7 } });
  });

  it("passes a value that does not fit its column on as typed, for the library to refuse in its own words", () => {
    expect(parseWhere(["id=abc", "done=yes", "price>cheap", "nosuch=1"], items)).toEqual({ id: { eq: "abc" }, done: { eq: "yes" }, price: { gt: "cheap" }, nosuch: { eq: "1" } });
  });

  it("refuses what it cannot read as a usage error that shows the expression", () => {
    const refused = (expressions: string[]) => {
      try {
        parseWhere(expressions, items);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error("not refused");
    };
    expect(refused(["status"])).toBe('--where "status": expected column, an operator (= != > >= < <= ~) and a value, such as status=todo or \'points>3\'');
    expect(refused(["3x=1"])).toMatch(/^--where "3x=1": expected column/);
    expect(refused(["due>null"])).toBe('--where "due>null": only = and != compare with null');
    expect(refused(["id=1", "id=2"])).toBe("--where: id = is given twice");
    expect(refused(['title="open'])).toBe('--where "title=\\"open": a value that starts with " must be a complete JSON string, such as "two words"');
  });
});

describe("--order, --limit and keys on the command line", () => {
  it("reads column, column:desc and 'column desc'", () => {
    expect(parseOrder(["title", "price:desc", "id asc", "due:DESC"])).toEqual(["title", "price desc", "id asc", "due desc"]);
    expect(parseOrder([])).toBeUndefined();
    expect(() => parseOrder(["price:down"])).toThrow(UsageError);
  });

  it("takes whole numbers only for --limit and --offset", () => {
    expect(parseCount("10", "--limit")).toBe(10);
    expect(parseCount(undefined, "--limit")).toBeUndefined();
    expect(() => parseCount("-1", "--limit")).toThrow('--limit must be a whole number ≥ 0 (got "-1")');
    expect(() => parseCount("2.5", "--offset")).toThrow(UsageError);
  });

  it("converts a typed key to the primary key's type", () => {
    expect(keyFromText(items, "42")).toBe(42);
    expect(keyFromText(items, "t1")).toBe("t1");
    expect(keyFromText({ ...items, primaryKey: "title" }, "42")).toBe("42");
    expect(valueFromText("real", "")).toBe("");
    expect(valueFromText("boolean", "FALSE")).toBe(false);
  });
});
