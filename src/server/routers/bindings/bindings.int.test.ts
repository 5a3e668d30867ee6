import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../test/support/database.ts";
import { createCaller } from "../../root.ts";
import { createContext } from "../../trpc.ts";

// Binding hosts through the real bindings.create procedure: pasted URLs, and the dashboard's own hosts.

let t: TestDatabase;
let owner: string;
const as = (headers: Record<string, string>) => createCaller(createContext({ db: t.database, headers: new Headers({ authorization: `Bearer ${owner}`, ...headers }) }));
const bind = (host: string, headers: Record<string, string> = { host: "lattice.example.net" }): Promise<{ bound?: string; code?: string; message?: string }> =>
  as(headers).bindings.create({ host, surface: "static", bucket: "site" }).then(
    (binding) => ({ bound: binding.host }),
    (error: { code?: string; message?: string }) => ({ code: error.code, message: error.message }),
  );

beforeAll(async () => {
  t = await createTestDatabase();
  owner = (await createCaller(createContext({ db: t.database, headers: new Headers() })).teams.register({ email: "alice@example.com", name: "Alice", teamName: "Atlas" })).token;
  await as({}).static.buckets.create({ name: "site" });
});
afterAll(async () => {
  await t?.drop();
});

describe("bindings.create", () => {
  it("binds the host of a pasted URL, never the scheme", async () => {
    expect(await bind("http://site.example.com/")).toEqual({ bound: "site.example.com" });
    expect(await bind("https://shop.example.com:8443/path")).toEqual({ bound: "shop.example.com" });
    expect((await bind("http")).code).toBe("UNPROCESSABLE_CONTENT");
    expect(await bind("mailto:x")).toEqual({ code: "UNPROCESSABLE_CONTENT", message: 'host: "mailto:x" is a mailto: URL, not a host; give a hostname or IP address, e.g. site.example.com.' });
    expect((await bind("https://u:p@creds.example.com/")).message).toMatch(/has credentials in it/);
    expect((await bind("/srv/www")).message).toMatch(/is a path, not a host/);
    const hosts = (await t.database.prisma.hostBinding.findMany({ orderBy: { host: "asc" } })).map((b) => b.host);
    expect(hosts).toEqual(["shop.example.com", "site.example.com"]);
  });

  it("refuses the dashboard's own hosts: loopback and the Host the request came in on", async () => {
    const message = (host: string) => ({ code: "UNPROCESSABLE_CONTENT", message: `host: ${host} is the dashboard's own host; binding it would hide the dashboard.` });
    expect(await bind("localhost")).toEqual(message("localhost"));
    expect(await bind("127.0.0.1")).toEqual(message("127.0.0.1"));
    expect(await bind("[::1]")).toEqual(message("::1"));
    expect(await bind("::1")).toEqual(message("::1"));
    expect(await bind("http://localhost:4317/")).toEqual(message("localhost"));
    expect(await bind("lattice.example.net")).toEqual(message("lattice.example.net"));
    expect(await bind("Lattice.Example.NET:443")).toEqual(message("lattice.example.net"));
    expect(await bind("dash.example.org", { host: "10.0.0.2:4317", "x-forwarded-host": "dash.example.org" })).toEqual(message("dash.example.org"));
    expect(await t.database.prisma.hostBinding.count({ where: { host: { in: ["localhost", "127.0.0.1", "::1", "lattice.example.net", "dash.example.org"] } } })).toBe(0);
    // The same name is fine where it is not the dashboard's.
    expect(await bind("lattice.example.net", { host: "admin.example.org" })).toEqual({ bound: "lattice.example.net" });
  });
});
