// What a build depends on, hashed: `npm start` and `npm test` rebuild only when it changed.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const nextDir = process.env.LATTICE_NEXT_DIR ?? ".next";
export const stampFile = path.join(root, nextDir, "lattice-build-hash");
const INPUTS = ["src", "prisma", "package.json", "package-lock.json", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "tsconfig.lib.json", "scripts/build.mjs", "scripts/build-types.mjs"];

function walk(entry, files) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return;
  if (fs.statSync(full).isDirectory()) {
    for (const child of fs.readdirSync(full).sort()) {
      if (child === "generated" || child.endsWith(".test.ts")) continue;
      walk(path.join(entry, child), files);
    }
  } else files.push(entry);
}

export function inputsHash() {
  const files = [];
  for (const entry of INPUTS) walk(entry, files);
  const hash = crypto.createHash("sha256");
  for (const file of files) hash.update(file).update("\0").update(fs.readFileSync(path.join(root, file))).update("\0");
  return hash.digest("hex");
}

export function buildIsCurrent() {
  try {
    return (
      fs.readFileSync(stampFile, "utf8").trim() === inputsHash() &&
      fs.existsSync(path.join(root, nextDir, "BUILD_ID")) &&
      fs.existsSync(path.join(root, "dist", "server", "main.js"))
    );
  } catch {
    return false;
  }
}
