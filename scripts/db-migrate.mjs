#!/usr/bin/env node
// `npm run db:migrate`: apply pending migrations to DATABASE_URL (or the embedded PGlite) and exit.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { createRequire } from "node:module";
import { root } from "./build-inputs.mjs";

const require = createRequire(import.meta.url);
const tsx = path.join(path.dirname(require.resolve("tsx/package.json")), "dist/cli.mjs");
execFileSync(process.execPath, [path.join(root, "scripts/generate.mjs")], { stdio: "inherit" });
try {
  execFileSync(process.execPath, [tsx, path.join(root, "src/server/db/migrate-cli.ts")], { stdio: "inherit", cwd: root });
} catch {
  process.exit(1);
}
