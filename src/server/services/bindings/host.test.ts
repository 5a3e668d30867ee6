import { describe, expect, it } from "vitest";
import { normalizeBindingHost, normalizeHostHeader } from "./host.ts";

describe("normalizeHostHeader", () => {
  it.each([
    ["[0:0:0:0:0:0:0:1]", "::1"],
    ["[0:0:0:0:0:0:0:1]:8443", "::1"],
    ["[::1]", "::1"],
    ["[2001:DB8:0:0:0:0:0:1]", "2001:db8::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["Site.Example.com.:8080", "site.example.com"],
    ["127.0.0.1:4317", "127.0.0.1"],
  ])("gives %s one spelling: %s", (header, host) => {
    expect(normalizeHostHeader(header)).toBe(host);
  });

  it("leaves an IPv6 zone id as it came (no URL can hold it, so no binding matches it)", () => {
    expect(normalizeHostHeader("[fe80::1%eth0]")).toBe("fe80::1%eth0");
  });
});

describe("normalizeBindingHost", () => {
  it("stores an IPv6 binding in the spelling requests are matched in", () => {
    expect(normalizeBindingHost("0:0::1")).toBe("::1");
    expect(normalizeBindingHost("[2001:db8::0:1]")).toBe("2001:db8::1");
  });

  it("refuses an IPv6 zone id with a clear message", () => {
    expect(() => normalizeBindingHost("fe80::1%eth0")).toThrow('host: "fe80::1%eth0" is not a hostname, IPv4 or IPv6 address.');
  });
});
