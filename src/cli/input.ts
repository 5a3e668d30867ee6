// Reading what the user gives a command other than its arguments: stdin, or a terminal prompt.
import type { Readable, Writable } from "node:stream";

/** All of stdin as text. */
export async function readStdin(input: Readable = process.stdin): Promise<string> {
  let text = "";
  for await (const chunk of input) text += chunk;
  return text;
}

export type TerminalInput = Readable & { isRaw?: boolean; setRawMode(mode: boolean): unknown };

/**
 * Asks each question in turn and reads one line per question with the terminal in raw mode, so
 * nothing typed is echoed. The terminal is restored however it ends (Enter, Ctrl-C, Ctrl-D, error).
 */
export function readHiddenLines(input: TerminalInput, output: Writable, questions: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let line = "";
    let escape = false; // inside an escape sequence (an arrow key): not part of the answer
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
            return finish(new Error("nothing typed; nothing was changed"));
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
