import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatBytes } from "./bytes.ts";
import { collectDeployFiles } from "./deploy-files.ts";

const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const temps: string[] = [];

/** A temp folder holding `files` (path → content). */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lattice-deploy-"));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("collectDeployFiles: the files a static deploy sends", () => {
  it("lists every file in byte order with posix paths, sizes and SHA-256, skipping dotfiles and node_modules", async () => {
    const dir = folder({
      "index.html": "<h1>Hi</h1>",
      "css/site.css": "body{}",
      "Z.txt": "z",
      ".env": "SECRET=1",
      ".well-known/security.txt": "Contact: x",
      "node_modules/pkg/index.js": "x",
      "js/node_modules/pkg/index.js": "x",
    });
    const files = await collectDeployFiles(dir);
    expect(files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 }))).toEqual([
      { path: "Z.txt", size: 1, sha256: sha("z") },
      { path: "css/site.css", size: 6, sha256: sha("body{}") },
      { path: "index.html", size: 11, sha256: sha("<h1>Hi</h1>") },
    ]);
    expect(files[1]!.absolutePath).toBe(path.join(fs.realpathSync(dir), "css", "site.css"));
  });

  it("with includeDotfiles adds dotfiles and dot-folders, but never node_modules", async () => {
    const dir = folder({ "index.html": "x", ".well-known/security.txt": "c", ".nojekyll": "", "node_modules/a.js": "x" });
    expect((await collectDeployFiles(dir, { includeDotfiles: true })).map((f) => f.path)).toEqual([".nojekyll", ".well-known/security.txt", "index.html"]);
  });

  it("follows a symlink that stays inside the folder and deploys its target's content", async () => {
    const dir = folder({ "real/page.html": "same" });
    fs.symlinkSync(path.join(dir, "real", "page.html"), path.join(dir, "alias.html"));
    const files = await collectDeployFiles(dir);
    expect(files.map((f) => [f.path, f.sha256])).toEqual([
      ["alias.html", sha("same")],
      ["real/page.html", sha("same")],
    ]);
  });

  it("refuses a symlink to a file or a folder outside the folder", async () => {
    const outside = folder({ "secret.txt": "no" });
    const dir = folder({ "index.html": "x" });
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(dir, "leak.txt"));
    await expect(collectDeployFiles(dir)).rejects.toThrow(`refusing to deploy leak.txt: it is a symlink to ${fs.realpathSync(outside)}/secret.txt, outside ${dir}`);
    fs.unlinkSync(path.join(dir, "leak.txt"));
    fs.symlinkSync(outside, path.join(dir, "assets"));
    await expect(collectDeployFiles(dir)).rejects.toThrow(/^refusing to deploy assets\/secret\.txt: it is a symlink to .*, outside /);
  });

  it("refuses an empty folder, a missing one, a file, and a file over the limit, in one line each", async () => {
    const empty = folder({ ".gitkeep": "" });
    await expect(collectDeployFiles(empty)).rejects.toThrow(`${empty} has no files to deploy (dotfiles are skipped unless --include-dotfiles)`);
    await expect(collectDeployFiles(path.join(empty, "nope"))).rejects.toThrow(`cannot read ${path.join(empty, "nope")}: no such folder`);
    const dir = folder({ "big.bin": "x".repeat(2048), "small.txt": "ok" });
    await expect(collectDeployFiles(path.join(dir, "small.txt"))).rejects.toThrow(`${path.join(dir, "small.txt")} is not a folder`);
    await expect(collectDeployFiles(dir, { maxFileBytes: 1024 })).rejects.toThrow("big.bin is 2.0 KB: the server takes files of at most 1.0 KB");
  });
});

describe("formatBytes", () => {
  it.each([
    [0, {}, "0 B"],
    [312, {}, "312 B"],
    [4300, {}, "4.2 KB"],
    [18 * 1024 * 1024, {}, "18 MB"],
    [0, { minUnit: "KB" as const }, "0 KB"],
    [49, { minUnit: "KB" as const }, "0.1 KB"],
    [1536, { minUnit: "KB" as const }, "1.5 KB"],
    [10_188, { minUnit: "KB" as const }, "10 KB"],
  ])("%d bytes %j → %s", (bytes, options, text) => {
    expect(formatBytes(bytes, options)).toBe(text);
  });
});
