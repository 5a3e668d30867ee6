import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { joinCommand, joinLink } from "./join-command.ts";

// What a shell hands the CLI for the command the dashboard shows (printf prints one argument a line).
const argv = (command: string) => execFileSync("/bin/sh", ["-c", command.replace(/^lattice /, "printf '%s\\n' ")], { encoding: "utf8" }).split("\n").slice(0, -1);

describe("the invitation panel's join command and link", () => {
  it("passes every value to the CLI unchanged, hostile ones included", () => {
    const email = "o'brien$(echo pwned)&@example.com";
    expect(argv(joinCommand({ origin: "http://localhost:4317", token: "latinv_abc-_1", email }))).toEqual([
      "teams", "join", "--cloud", "http://localhost:4317", "--token", "latinv_abc-_1", "--email", email,
    ]);
  });

  it("keeps the token in the fragment", () => {
    expect(joinLink({ origin: "https://lattice.example.com", token: "latinv_abc-_1" })).toBe("https://lattice.example.com/join#token=latinv_abc-_1");
  });
});
