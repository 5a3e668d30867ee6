import fs from "node:fs";

// Global teardown runs before Playwright stops the web server, so remove the throwaway data dir
// only when the runner exits, after the server is gone.
export default function globalTeardown() {
  const dir = process.env.LATTICE_E2E_DATA_DIR;
  if (dir) process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
}
