import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium where Playwright cannot download its own; elsewhere `npx playwright install chromium`.
const chromium = process.env.LATTICE_CHROMIUM || "/usr/bin/chromium";
const executablePath = fs.existsSync(chromium) ? chromium : undefined;

// A free port, chosen once by the runner (workers inherit it): a fixed one could be answered by
// some other server, whose health check Playwright would then take for ours.
process.env.E2E_PORT ??= execFileSync(process.execPath, ["-e", 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'], { encoding: "utf8" }).trim();
const port = Number(process.env.E2E_PORT);
const baseURL = `http://localhost:${port}`;

// A fresh database per run. Workers evaluate this config again and inherit the variable, so only
// the runner that created the directory removes it, on exit: after Playwright has stopped the
// server (a globalTeardown runs before that, and not at all when the server fails to start).
if (!process.env.LATTICE_E2E_DATA_DIR) {
  const created = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-e2e-"));
  process.env.LATTICE_E2E_DATA_DIR = created;
  process.on("exit", () => fs.rmSync(created, { recursive: true, force: true }));
}
const dataDir = process.env.LATTICE_E2E_DATA_DIR;

const browser = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: ".test-output/playwright-artifacts",
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: ".test-output/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // One server holds one team, so the specs share it in order: first-run registers Alice on the
  // empty server; every other spec depends on that and signs in as her.
  projects: [
    { name: "first-run", testMatch: "first-run.spec.ts", use: browser },
    { name: "dashboard", testIgnore: "first-run.spec.ts", dependencies: ["first-run"], use: browser },
  ],
  webServer: {
    // Exactly what `npm start` runs: builds when the sources changed, then serves the built app.
    command: "node scripts/start.mjs",
    url: `${baseURL}/api/v1/health`,
    reuseExistingServer: false,
    // SIGTERM lets the server close PGlite cleanly before the data dir is removed.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      LATTICE_DATA_DIR: dataDir,
      ...(process.env.LATTICE_NEXT_DIR ? { LATTICE_NEXT_DIR: process.env.LATTICE_NEXT_DIR } : {}),
      DATABASE_URL: "",
    },
  },
});
