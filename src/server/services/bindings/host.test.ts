import { describe, expect, it } from "vitest";
import { normalizeBindingHost, normalizeHostHeader } from "./host.ts";
import { dashboardHosts, refuseDashboardHost } from "./dashboard-hosts.ts";

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

const refusal = (fn: () => unknown) => {
  try {
    fn();
    return "accepted";
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
};

describe("normalizeBindingHost", () => {
  it.each([
    ["http://site.example.com/", "site.example.com"],
    ["https://site.example.com:8443/path?q=1#top", "site.example.com"],
    ["HTTPS://Site.Example.COM.", "site.example.com"],
    ["http://[2001:DB8::1]:8080/", "2001:db8::1"],
    ["site.example.com:8080", "site.example.com"],
    ["10.0.0.5", "10.0.0.5"],
    ["2001:db8:0:0::1", "2001:db8::1"],
  ])("%j binds %j", (input, host) => {
    expect(normalizeBindingHost(input)).toBe(host);
  });

  const what = "give a hostname or IP address, e.g. site.example.com.";
  it.each([
    ["http", `host: "http" is a URL scheme, not a host; ${what}`],
    ["http://", `host: "http://" is not a valid URL; ${what}`],
    ["mailto:x", `host: "mailto:x" is a mailto: URL, not a host; ${what}`],
    ["ftp://files.example.com/", `host: "ftp://files.example.com/" is a ftp URL, not a host; ${what}`],
    ["https://user:pw@site.example.com/", `host: "https://user:pw@site.example.com/" has credentials in it; ${what}`],
    ["user@site.example.com", `host: "user@site.example.com" has credentials in it; ${what}`],
    ["/var/www/site", `host: "/var/www/site" is a path, not a host; ${what}`],
    ["site.example.com/blog", `host: "site.example.com/blog" is a path, not a host; ${what}`],
    ["exa mple.com", 'host: "exa mple.com" is not a hostname, IPv4 or IPv6 address.'],
  ])("refuses %j with 422", (input, message) => {
    expect(refusal(() => normalizeBindingHost(input))).toBe(`UNPROCESSABLE_CONTENT: ${message}`);
  });
});

describe("the dashboard's own hosts", () => {
  const own = dashboardHosts({ host: "lattice.internal:4317", forwardedHost: "Dash.Example.com, proxy.example.com" }, ["https://lattice.example.com/", undefined]);

  it("are loopback, the public URL's host and the request's Host / X-Forwarded-Host", () => {
    expect([...own].sort()).toEqual(["127.0.0.1", "::1", "dash.example.com", "lattice.example.com", "lattice.internal", "localhost"]);
  });

  it.each(["localhost", "127.0.0.1", "::1", "lattice.example.com", "lattice.internal", "dash.example.com", "app.localhost"])("refuses %j", (host) => {
    expect(refusal(() => refuseDashboardHost(host, own))).toBe(
      `UNPROCESSABLE_CONTENT: host: ${host} is the dashboard's own host; binding it would hide the dashboard.`,
    );
  });

  it("accepts any other host", () => {
    expect(refusal(() => refuseDashboardHost("site.example.com", own))).toBe("accepted");
  });
});
