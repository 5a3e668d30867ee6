import type { Readable, Writable } from "node:stream";
import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { readHiddenLines, type TerminalInput } from "../../input.ts";
import { savedClient, teamOption } from "../teams/shared.ts";
import { accountTokensCommands } from "./tokens.ts";

const passwordCommand: CommandSpec = {
  group: "account",
  name: "password",
  description: "Set your dashboard password (reads it from stdin; asks for it on a terminal)",
  usage: "account password [--team <name>] < password.txt",
  options: [teamOption],
  examples: ["  $ lattice account password", "  $ printf '%s\\n' \"$NEW_PASSWORD\" | lattice account password --team Atlas"],
  run: setPassword,
};

/** The new password: the first line of stdin, or typed twice on a terminal without echo. */
export async function readNewPassword(io: { input: Readable & { isTTY?: boolean }; output: Writable } = { input: process.stdin, output: process.stdout }): Promise<string> {
  if (!io.input.isTTY) {
    let text = "";
    for await (const chunk of io.input) text += chunk;
    const password = text.split(/\r?\n/, 1)[0] ?? "";
    if (!password) throw new Error("no password on stdin — pipe it in, or run this on a terminal to be asked");
    return password;
  }
  const [first, second] = await readHiddenLines(io.input as TerminalInput, io.output, ["New password: ", "Repeat it: "]);
  if (!first) throw new Error("no password typed; nothing was changed");
  if (first !== second) throw new Error("the two passwords differ; nothing was changed");
  return first;
}

async function setPassword(options: ParsedOptions, context: CommandContext): Promise<void> {
  const password = await readNewPassword();
  const client = await savedClient(options);
  const result = await client.setPassword(password);
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`Password set for ${result.email}. Sign in to the dashboard at ${client.cloud}.\n`);
}

export const accountCommands = [passwordCommand, ...accountTokensCommands];
