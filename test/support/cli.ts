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

/** Runs the real `lattice` binary (bin/lattice.mjs → dist/cli) as a user would. */
export function runCli(args: string[], options: { home: string; env?: Record<string, string>; input?: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/lattice.mjs"), ...args], {
      cwd: options.home,
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
