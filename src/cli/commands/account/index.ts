import type { Readable, Writable } from "node:stream";
import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
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

type TerminalInput = Readable & { isRaw?: boolean; setRawMode(mode: boolean): unknown };

/**
 * Asks each question in turn and reads one line per question with the terminal in raw mode, so
 * nothing typed is echoed. The terminal is restored however it ends (Enter, Ctrl-C, Ctrl-D, error).
 */
export function readHiddenLines(input: TerminalInput, output: Writable, questions: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let line = "";
    let escape = false; // inside an arrow key's or other key's escape sequence: not part of the password
    const wasRaw = input.isRaw ?? false;
    const finish = (error?: Error) => {
      input.off("data", onData);
      input.setRawMode(wasRaw);
      input.pause();
      if (error) reject(error);
      else resolve(answers);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString("utf8")) {
        if (escape) {
          escape = !/[A-Za-z~]/.test(ch);
        } else if (ch === "\u001b") {
          escape = true;
        } else if (ch === "\r" || ch === "\n") {
          answers.push(line);
          line = "";
          output.write("\n");
          if (answers.length === questions.length) return finish();
          output.write(questions[answers.length]!);
        } else if (ch === "\u0003") {
          output.write("\n");
          return finish(new Error("interrupted; nothing was changed"));
        } else if (ch === "\u0004") {
          if (line === "") {
            output.write("\n");
            return finish(new Error("no password typed; nothing was changed"));
          }
        } else if (ch === "\u007f" || ch === "\b") {
          line = Array.from(line).slice(0, -1).join("");
        } else if (ch === "\u0015") {
          line = ""; // Ctrl-U: start the line again
        } else if (ch >= " ") {
          line += ch;
        }
      }
    };
    try {
      input.setRawMode(true);
    } catch (error) {
      reject(error as Error);
      return;
    }
    output.write(questions[0]!);
    input.on("data", onData);
    input.resume();
  });
}

async function setPassword(options: ParsedOptions, context: CommandContext): Promise<void> {
  const password = await readNewPassword();
  const client = await savedClient(options);
  const result = await client.setPassword(password);
  if (context.json) context.out(JSON.stringify(result) + "\n");
  else context.out(`Password set for ${result.email}. Sign in to the dashboard at ${client.cloud}.\n`);
}

export const accountCommands = [passwordCommand, ...accountTokensCommands];
