#!/usr/bin/env node
// Builds everything `npm start` runs: the Prisma client, the Next app, the server entry, the CLI
// and the library. `--cli-only` (npm's prepare step, so also `npm pack`) builds just the CLI and the
// library with its .d.ts: what the published package holds.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { root, stampFile, inputsHash, buildIsCurrent } from "./build-inputs.mjs";
import { buildDeclarations } from "./build-types.mjs";

const require = createRequire(import.meta.url);
// The build tools (esbuild, prisma, typescript, next) are dev dependencies: a clone is installed
// with plain `npm install`, not `--omit=dev` (only the packed package runs without them).
const esbuild = await import("esbuild").catch(() => {
  console.error("[build] esbuild is not installed: run `npm install` (the build tools are dev dependencies, which --omit=dev leaves out)");
  process.exit(1);
});
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
// The CLI and the library carry tRPC's client inside them (tens of KB): as dependencies of the
// package, tRPC's packages would make npm install TypeScript, their peer, into every user's project.
// Every other package stays in node_modules.
const bundleOnlyTrpc = {
  name: "bundle-only-trpc",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (/^(@\/|@trpc\/)/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};
step("esbuild: cli, library" + (cliOnly ? "" : ", server entry"));
// Code splitting keeps the lazy imports inside CLI actions lazy, so `lattice --help` stays instant,
// and gives every module one copy: `Lattice` from `latticesql` is the class the framework entries see.
const split = await esbuild.build({
  ...common,
  packages: undefined,
  plugins: [bundleOnlyTrpc],
  splitting: true,
  metafile: true,
  entryPoints: {
    "cli/index": "src/cli/index.ts",
    "lattice/index": "src/lattice/index.ts",
    "lattice/framework/native-entities": "src/lattice/framework/native-entities.ts",
    "lattice/framework/blob-store": "src/lattice/framework/blob-store.ts",
  },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
});
removeStaleChunks(split.metafile);
step("declarations: dist/types");
buildDeclarations();
if (!cliOnly) {
  await esbuild.build({ ...common, entryPoints: { "server/main": "src/server/main.ts" }, outdir: "dist" });
  step("next build");
  const nextBin = path.join(path.dirname(require.resolve("next/package.json")), "dist/bin/next");
  execFileSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, hash + "\n");
}
step("done");

/** Chunks of earlier builds would otherwise pile up in dist/chunks and end up in `npm pack`. */
function removeStaleChunks(metafile) {
  const dir = path.join(root, "dist/chunks");
  const current = new Set(Object.keys(metafile.outputs).map((output) => path.resolve(root, output)));
  for (const name of fs.readdirSync(dir)) {
    if (!current.has(path.join(dir, name))) fs.rmSync(path.join(dir, name));
  }
}
