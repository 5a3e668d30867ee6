// The `.d.ts` files of the published `latticesql` package: tsc (tsconfig.lib.json) into a scratch
// folder, then only the declarations the package entries reach are copied to dist/types, with their
// relative imports rewritten from `.ts` to `.js` (what node16/nodenext resolution expects; bundler
// resolution accepts it too). Anything a consumer could not resolve fails the build.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { builtinModules, createRequire } from "node:module";
import { root } from "./build-inputs.mjs";

const require = createRequire(import.meta.url);
export const TYPES_DIR = path.join(root, "dist/types");
const ENTRIES = ["index.d.ts", "framework/native-entities.d.ts", "framework/blob-store.d.ts"];
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"']+)\1|\/\/\/\s*<reference\s+(?:path|types)=(["'])([^"']+)\3/g;

export function buildDeclarations() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "latticesql-types-"));
  try {
    const tsc = require.resolve("typescript/bin/tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.lib.json"), "--outDir", scratch], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      // tsc's own report names every error; a type error here means the published types would be wrong.
      process.stderr.write(String(error.stdout ?? "") + String(error.stderr ?? ""));
      throw new Error("tsc -p tsconfig.lib.json found errors (above)");
    }
    const emitted = path.join(scratch, "lattice");
    const files = reachableDeclarations(emitted);
    fs.rmSync(TYPES_DIR, { recursive: true, force: true });
    for (const [relative, text] of files) {
      const target = path.join(TYPES_DIR, relative);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    }
    return files.size;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Walks the imports from the entries; returns relative path → rewritten text. */
function reachableDeclarations(emitted) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const dependencies = { ...manifest.dependencies, [manifest.name]: "self" };
  const out = new Map();
  const queue = [...ENTRIES];
  while (queue.length) {
    const relative = queue.shift();
    if (out.has(relative)) continue;
    const file = path.join(emitted, relative);
    if (!fs.existsSync(file)) throw new Error(`declarations: ${relative} was not emitted`);
    const text = fs.readFileSync(file, "utf8").replace(SPECIFIER, (match, quote, from, refQuote, ref) => {
      const specifier = from ?? ref;
      if (!specifier.startsWith(".")) {
        checkBareSpecifier(specifier, relative, dependencies);
        return match;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(relative), specifier));
      if (target.startsWith("../")) throw new Error(`declarations: ${relative} imports ${specifier}, outside src/lattice (server code must not reach the package's types)`);
      const declaration = target.replace(/\.(ts|js)$/, ".d.ts");
      queue.push(declaration);
      return match.replace(specifier, specifier.replace(/\.ts$/, ".js"));
    });
    out.set(relative, text);
  }
  return out;
}

/** A bare import in a published .d.ts must be Node's or a runtime dependency's that carries types. */
function checkBareSpecifier(specifier, from, dependencies) {
  if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return;
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
  if (!(name in dependencies)) throw new Error(`declarations: ${from} imports "${specifier}", which is not in package.json dependencies`);
  if (dependencies[name] === "self") return;
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"));
  const typed = manifest.types || manifest.typings || JSON.stringify(manifest.exports ?? {}).includes('"types"');
  const typesPackage = `@types/${name.replace(/^@/, "").replace("/", "__")}`;
  if (!typed && !(typesPackage in dependencies)) throw new Error(`declarations: ${from} imports "${specifier}", whose types (${typesPackage}) are not in dependencies`);
}
