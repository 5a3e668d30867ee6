#!/usr/bin/env node
// `npm test`: build if needed, then unit + integration tests (Vitest, real Postgres and PGlite)
// and the browser e2e (Playwright in a real Chromium). Ends with one line: `N passed, N failed`.
import { spawnSync, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { root, buildIsCurrent } from "./build-inputs.mjs";

const require = createRequire(import.meta.url);
const out = path.join(root, ".test-output");
fs.mkdirSync(out, { recursive: true });
const passthrough = process.argv.slice(2); // e.g. `npm test -- src/cli` narrows Vitest

if (!buildIsCurrent()) {
  console.log("[test] building the server first (the CLI and e2e tests run it as `npm start` does)");
  execFileSync(process.execPath, [path.join(root, "scripts/build.mjs")], { stdio: "inherit" });
}

function findChromium() {
  const candidates = [process.env.LATTICE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  try {
    candidates.push(require("playwright-core").chromium.executablePath());
  } catch {}
  return candidates.find((candidate) => candidate && fs.existsSync(candidate));
}

let passed = 0;
let failed = 0;
let exitCode = 0;

// 1. Vitest: unit + integration.
const vitestJson = path.join(out, "vitest.json");
fs.rmSync(vitestJson, { force: true });
const vitest = spawnSync(
  process.execPath,
  [require.resolve("vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`, ...passthrough],
  { stdio: "inherit", cwd: root },
);
if (fs.existsSync(vitestJson)) {
  const report = JSON.parse(fs.readFileSync(vitestJson, "utf8"));
  passed += report.numPassedTests;
  // A file that fails to load has no failed tests but is a failure all the same.
  failed += report.numFailedTests || report.numFailedTestSuites || 0;
}
if (vitest.status !== 0) exitCode = 1;

// 2. Playwright e2e in a real Chromium.
const chromium = findChromium();
if (passthrough.length) {
  console.log("[test] e2e skipped: a narrowed run (`npm test -- …`) runs Vitest only");
} else if (!chromium) {
  const line = "!!! NO CHROMIUM FOUND: the browser e2e tests did not run. Install one: `apt-get install -y chromium` (Debian/Ubuntu), or `npx playwright install chromium`, or set LATTICE_CHROMIUM=/path/to/chrome !!!";
  console.error(`\n${line}\n`);
  if (process.env.CI) {
    failed += 1;
    exitCode = 1;
  }
} else {
  const playwrightJson = path.join(out, "playwright.json");
  fs.rmSync(playwrightJson, { force: true });
  const pw = spawnSync(process.execPath, [require.resolve("@playwright/test/cli"), "test"], {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, LATTICE_CHROMIUM: chromium, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  });
  if (fs.existsSync(playwrightJson)) {
    const stats = JSON.parse(fs.readFileSync(playwrightJson, "utf8")).stats ?? {};
    passed += stats.expected ?? 0;
    failed += (stats.unexpected ?? 0) + (stats.flaky ?? 0);
  } else if (pw.status !== 0) {
    failed += 1;
  }
  if (pw.status !== 0) exitCode = 1;
}

if (exitCode !== 0 && failed === 0) failed = 1; // a runner crashed before reporting
if (failed > 0) exitCode = 1; // a runner's own exit status is not trusted alone
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode);
