#!/usr/bin/env node
// Builds everything `npm start` runs: the Prisma client, the Next app, the server entry, the CLI
// and the library. `--cli-only` (npm's prepare step) builds just the CLI and the library.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";
import { root, stampFile, inputsHash, buildIsCurrent } from "./build-inputs.mjs";

const require = createRequire(import.meta.url);
const cliOnly = process.argv.includes("--cli-only");
const step = (label) => console.log(`[build] ${label}`);

if (process.argv.includes("--if-stale") && buildIsCurrent()) process.exit(0);
const hash = inputsHash();
process.on("uncaughtException", (error) => {
  console.error(`[build] failed: ${error.message.split("\n")[0]}`);
  process.exit(1);
});
step("prisma generate");
execFileSync(process.execPath, [path.join(root, "scripts/generate.mjs")], { stdio: "inherit" });

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  alias: { "@": path.join(root, "src") },
};
step("esbuild: cli, library" + (cliOnly ? "" : ", server entry"));
// Code splitting keeps the lazy imports inside CLI actions lazy, so `lattice --help` stays instant.
await esbuild.build({ ...common, splitting: true, entryPoints: { "cli/index": "src/cli/index.ts", "lattice/index": "src/lattice/index.ts" }, outdir: "dist" });
if (!cliOnly) {
  await esbuild.build({ ...common, entryPoints: { "server/main": "src/server/main.ts" }, outdir: "dist" });
  step("next build");
  const nextBin = path.join(path.dirname(require.resolve("next/package.json")), "dist/bin/next");
  execFileSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, hash + "\n");
}
step("done");
