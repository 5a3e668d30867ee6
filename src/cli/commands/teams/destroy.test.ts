import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { askTeamName } from "./destroy.ts";

describe("teams destroy confirmation", () => {
  it("on a terminal, asks 'Type the team name to confirm:' and returns the typed line", async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let shown = "";
    output.on("data", (chunk) => (shown += chunk));
    const answer = askTeamName("Atlas", { input, output });
    input.write("Atlas\n");
    await expect(answer).resolves.toBe("Atlas");
    expect(shown).toBe("Type the team name to confirm: ");
  });

  it("off a terminal, refuses in one line that says to pass --yes, without reading stdin", async () => {
    const input = new PassThrough();
    await expect(askTeamName("Atlas", { input, output: new PassThrough() })).rejects.toThrow(
      'refusing to destroy team "Atlas" without confirmation: stdin is not a terminal — pass --yes',
    );
  });
});
