import net from "node:net";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LatticeClientError, unreachableError } from "./errors.ts";
import { createLatticeTrpcClient, normalizeCloudUrl, toLatticeClientError } from "./trpc-client.ts";
import { storageRequest } from "../storage/storage-http.ts";

describe("normalizeCloudUrl", () => {
  it.each([
    ["http://localhost:4317", "http://localhost:4317"],
    ["http://localhost:4317/", "http://localhost:4317"],
    [" https://Lattice.Example.com/team/ ", "https://lattice.example.com/team"],
  ])("%j → %j", (input, output) => {
    expect(normalizeCloudUrl(input)).toBe(output);
  });

  it.each([
    ["localhost:4317", '"localhost:4317" is not an http(s) URL (expected http://host:port or https://host)'],
    ["not a url", '"not a url" is not a URL (expected http://host:port or https://host)'],
    ["ftp://files.example.com", '"ftp://files.example.com" is not an http(s) URL (expected http://host:port or https://host)'],
  ])("refuses %j", (input, message) => {
    expect(() => normalizeCloudUrl(input)).toThrow(new LatticeClientError("INVALID_URL", message));
  });
});

describe("error messages", () => {
  it("names the network failure undici hides in `cause`", () => {
    const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(unreachableError("http://localhost:4317", refused).message).toBe(
      "cannot reach http://localhost:4317: connection refused — is the Lattice server running?",
    );
    const dns = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }) });
    expect(unreachableError("http://nope.invalid", dns).message).toBe("cannot reach http://nope.invalid: host not found");
  });

  it("maps a 401 to the saved team's token, and other tRPC errors to the server's message", () => {
    const unauthorized = TRPCClientError.from({ error: { code: -32001, message: "Invalid or revoked API token.", data: { code: "UNAUTHORIZED", httpStatus: 401 } } });
    expect(toLatticeClientError(unauthorized, { cloud: "http://x", teamName: "Atlas" }).message).toBe(
      'the saved token for "Atlas" was rejected (401): it may have been revoked — run lattice teams join again',
    );
    const forbidden = TRPCClientError.from({ error: { code: -32003, message: "This needs the teams:read scope.", data: { code: "FORBIDDEN", httpStatus: 403 } } });
    expect(toLatticeClientError(forbidden, { cloud: "http://x" })).toMatchObject({ code: "SERVER", serverCode: "FORBIDDEN", httpStatus: 403, message: "This needs the teams:read scope." });
    const shapeless = TRPCClientError.from(new SyntaxError("Unexpected token '<'"));
    expect(toLatticeClientError(shapeless, { cloud: "http://x" }).message).toBe("http://x is not a Lattice server (no Lattice API at /api/trpc)");
  });
});

describe("a server that accepts and never answers", () => {
  let server: net.Server;
  let cloud: string;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    server = net.createServer((socket) => void sockets.push(socket)); // reads nothing, writes nothing
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cloud = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    vi.stubEnv("LATTICE_TIMEOUT", "0.3");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("times out a tRPC call even though tRPC passes its own signal", async () => {
    const error = await createLatticeTrpcClient(cloud, "lat_x").teams.whoami.query().then(
      () => null,
      (e: unknown) => toLatticeClientError(e, { cloud }),
    );
    expect(error).toMatchObject({ code: "UNREACHABLE", message: `no answer from ${cloud} within 0.3 s` });
  });

  it("times out a /api/v1 storage request", async () => {
    await expect(storageRequest({ cloud, token: "lat_x", operator: true }, "GET", "/api/v1/kv/buckets")).rejects.toMatchObject({
      code: "UNREACHABLE",
      message: `no answer from ${cloud} within 0.3 s`,
    });
  });

  it("refuses a LATTICE_TIMEOUT that is not a number of seconds", async () => {
    vi.stubEnv("LATTICE_TIMEOUT", "soon");
    const error = await createLatticeTrpcClient(cloud).teams.whoami.query().then(
      () => null,
      (e: unknown) => toLatticeClientError(e, { cloud }),
    );
    vi.stubEnv("LATTICE_TIMEOUT", "0.3");
    expect(error?.message).toBe('LATTICE_TIMEOUT must be a positive number of seconds (at most 86400), not "soon"');
  });
});
