#!/usr/bin/env node
// `npm start`: build when the sources changed since the last build, then run the server entry
// in this process (so SIGINT/SIGTERM reach it directly).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root, buildIsCurrent } from "./build-inputs.mjs";

if (!buildIsCurrent()) {
  console.log("[lattice] building (first start, or the sources changed)…");
  execFileSync(process.execPath, [path.join(root, "scripts/build.mjs")], { stdio: "inherit" });
}
process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
await import(pathToFileURL(path.join(root, "dist/server/main.js")).href);
