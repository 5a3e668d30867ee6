import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseLabel, connectionTokenPath, listConnections, readConnection, removeConnection, saveConnection, teamLabel, type SavedConnection } from "./connections.ts";

const atlas: SavedConnection = {
  label: "atlas",
  cloud: "http://localhost:4317",
  teamId: "t-1",
  teamName: "Atlas",
  userId: "u-1",
  email: "alice@example.com",
  tokenFile: "keys/atlas.token",
};

describe("teamLabel", () => {
  it.each([
    ["Atlas", "atlas"],
    ["Atlas Labs", "atlas-labs"],
    ["  Café Crew! ", "cafe-crew"],
    ["R&D / Ops 2024", "r-d-ops-2024"],
    ["--__--", "team"],
    ["東京", "team"],
    ["x".repeat(80), "x".repeat(48)],
  ])("%j → %j", (name, label) => {
    expect(teamLabel(name)).toBe(label);
  });
});

describe("connections.json", () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-conn-"));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it("saves, lists, replaces and removes connections keyed by label", () => {
    expect(listConnections(home)).toEqual([]);
    saveConnection(atlas, home);
    saveConnection({ ...atlas, label: "borealis", teamName: "Borealis", teamId: "t-2" }, home);
    saveConnection({ ...atlas, email: "alice@new.example" }, home);
    expect(listConnections(home).map((c) => [c.label, c.email])).toEqual([
      ["atlas", "alice@new.example"],
      ["borealis", "alice@example.com"],
    ]);
    const onDisk = JSON.parse(fs.readFileSync(path.join(home, "connections.json"), "utf8"));
    expect(onDisk.atlas).toEqual({ cloud: atlas.cloud, teamId: "t-1", teamName: "Atlas", userId: "u-1", email: "alice@new.example", tokenFile: "keys/atlas.token" });
    expect(connectionTokenPath(readConnection("atlas", home)!, home)).toBe(path.join(home, "keys", "atlas.token"));
    expect(removeConnection("atlas", home)).toBe(true);
    expect(readConnection("atlas", home)).toBeNull();
    expect(removeConnection("atlas", home)).toBe(false);
  });

  it.skipIf(process.platform === "win32")("is written with mode 0600", () => {
    saveConnection(atlas, home);
    expect(fs.statSync(path.join(home, "connections.json")).mode & 0o777).toBe(0o600);
  });

  it("keeps the label of the same team, and suffixes a different team with the same name", () => {
    expect(chooseLabel("Atlas", atlas.cloud, "t-1", home)).toBe("atlas");
    saveConnection(atlas, home);
    expect(chooseLabel("Atlas", atlas.cloud, "t-1", home)).toBe("atlas");
    expect(chooseLabel("ATLAS", "http://other:4317", "t-9", home)).toBe("atlas-2");
    saveConnection({ ...atlas, label: "atlas-2", cloud: "http://other:4317", teamId: "t-9" }, home);
    expect(chooseLabel("Atlas", "http://third:4317", "t-3", home)).toBe("atlas-3");
  });
});
