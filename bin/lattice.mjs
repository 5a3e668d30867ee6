#!/usr/bin/env node
// The `lattice` command. Runs the built CLI (dist/, made by `npm install`'s prepare step or
// `npm run build`); in a checkout without a build it runs the TypeScript source through tsx.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const built = path.join(root, "dist/cli/index.js");
if (fs.existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(path.join(root, "src/cli/index.ts")).href);
}
