import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh LATTICE_HOME, as on another machine. */
export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "lattice-home-"));
}

/** Runs the real `lattice` binary (bin/lattice.mjs → dist/cli) as a user would, in `cwd` (default: the home). */
export function runCli(args: string[], options: { home: string; cwd?: string; env?: Record<string, string>; input?: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/lattice.mjs"), ...args], {
      cwd: options.cwd ?? options.home,
      env: { ...process.env, LATTICE_HOME: options.home, NO_COLOR: "1", ...options.env } as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdin.end(options.input ?? "");
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `lattice <args>` on a pseudo-terminal (util-linux `script`), typing each answer once its
 * prompt has appeared. Returns everything the terminal showed.
 */
export function runOnTerminal(args: string[], options: { home: string; cwd?: string }, answers: { after: string; type: string }[]): Promise<{ code: number | null; screen: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, path.join(root, "bin/lattice.mjs"), ...args].map(quote).join(" ");
  return new Promise((resolve) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: options.cwd ?? options.home, env: { ...process.env, LATTICE_HOME: options.home, NO_COLOR: "1" }, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    let next = 0;
    let typedAt = 0; // answers[i] waits for its prompt after where the previous answer was typed
    child.stdout.on("data", (chunk) => {
      screen += chunk;
      const answer = answers[next];
      if (answer && screen.indexOf(answer.after, typedAt) !== -1) {
        typedAt = screen.length;
        next++;
        child.stdin.write(answer.type);
      }
    });
    child.on("close", (code) => resolve({ code, screen }));
  });
}
