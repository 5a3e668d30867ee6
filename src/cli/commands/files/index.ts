import { UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import type { FileRecord } from "../../../lattice/framework/native-entities.ts";
import { configOption, withProject, type ProjectLattice } from "../data/project.ts";

const fileArgument = "<sha256 | prefix | name>";

const addCommand: CommandSpec = {
  group: "files",
  name: "add",
  description: "Store a file's bytes in the project (data/blobs/<sha256>) and add its row to files",
  usage: "files add <path> [--name <name>] [--json]",
  options: [{ flag: "--name <name>", description: "The name to keep it under (default: the file's own name)" }, configOption],
  args: [{ name: "path" }],
  examples: ["  $ lattice files add ./contract.pdf", "  $ lattice files add ./scan-0042.pdf --name contract-signed.pdf"],
  run: addFile,
};

const listCommand: CommandSpec = {
  group: "files",
  name: "list",
  description: "List stored files: sha256 (first 12), name, size, type, when added",
  usage: "files list [--json]",
  options: [configOption],
  examples: ["  $ lattice files list"],
  run: listFiles,
};

const extractCommand: CommandSpec = {
  group: "files",
  name: "extract",
  description: "Write a stored file out, after checking its bytes against their sha256",
  usage: `files extract ${fileArgument} [--out <path> | --out -] [--force]`,
  options: [
    { flag: "--out <path>", description: "Where to write it (default: its name, in this folder; a folder: into it; -: stdout)" },
    { flag: "--force", description: "Overwrite a file that already exists there" },
    configOption,
  ],
  args: [{ name: "file" }],
  examples: ["  $ lattice files extract contract.pdf", "  $ lattice files extract 3a7bd3e2360a --out ~/Downloads/", "  $ lattice files extract contract.pdf --out - | sha256sum"],
  run: extractFile,
};

const deleteCommand: CommandSpec = {
  group: "files",
  name: "delete",
  description: "Delete a stored file: its row and its bytes",
  usage: `files delete ${fileArgument}`,
  options: [configOption],
  args: [{ name: "file" }],
  examples: ["  $ lattice files delete contract.pdf"],
  run: deleteFile,
};

const shortSha = (sha256: string) => sha256.slice(0, 12);

/** A file by its exact name, its sha256, or the start of its sha256 (at least 4 characters), as long as one file matches. */
async function findFile(db: ProjectLattice, ref: string): Promise<FileRecord> {
  const matches = new Map<string, FileRecord>();
  for (const row of await db.query("files", { where: { name: ref } })) matches.set(row.sha256, row);
  if (/^[0-9a-f]{4,64}$/.test(ref)) {
    for (const row of await db.query("files", { where: { sha256: { like: `${ref}%` } } })) matches.set(row.sha256, row);
  }
  const found = [...matches.values()];
  if (found.length === 0) throw new Error(`no file ${JSON.stringify(ref)} (lattice files list shows them)`);
  if (found.length > 1) {
    const which = found.map((f) => `${shortSha(f.sha256)} ${f.name}`).join(", ");
    throw new Error(`${JSON.stringify(ref)} matches ${found.length} files (${which}); give more of the sha256`);
  }
  return found[0]!;
}

function recordJson(file: FileRecord) {
  return { sha256: file.sha256, name: file.name, size: file.size, mimeType: file.mimeType, createdAt: file.createdAt };
}

async function addFile(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { attachBlob } = await import("../../../lattice/framework/blob-store.ts");
  const { formatBytes } = await import("../../../lattice/storage/bytes.ts");
  await withProject(options, async (db) => {
    const blob = await attachBlob(options.path as string, db.projectDir, { name: options.name as string | undefined });
    const existing = await db.get("files", blob.sha256);
    if (existing) {
      if (context.json) context.out(JSON.stringify({ ...recordJson(existing), added: false }) + "\n");
      else context.out(`Already stored as ${JSON.stringify(existing.name)} (${shortSha(existing.sha256)}); nothing was changed.\n`);
      return;
    }
    const file = await db.insert("files", { ...blob });
    if (context.json) context.out(JSON.stringify({ ...recordJson(file), added: true }) + "\n");
    else context.out(`Added ${file.name} (${formatBytes(file.size)}, ${file.mimeType}) as ${shortSha(file.sha256)}.\n`);
  });
}

async function listFiles(options: ParsedOptions, context: CommandContext): Promise<void> {
  await withProject(options, async (db) => {
    const files = await db.query("files", { orderBy: "name" });
    if (context.json) {
      context.out(JSON.stringify(files.map(recordJson)) + "\n");
      return;
    }
    if (files.length === 0) {
      context.out("No files yet (lattice files add <path> adds one).\n");
      return;
    }
    const { formatDate, formatTable } = await import("../../output.ts");
    const { formatBytes } = await import("../../../lattice/storage/bytes.ts");
    context.out(formatTable(["SHA256", "NAME", "SIZE", "TYPE", "ADDED"], files.map((f) => [shortSha(f.sha256), f.name, formatBytes(f.size), f.mimeType, formatDate(f.createdAt)])));
  });
}

async function extractFile(options: ParsedOptions, context: CommandContext): Promise<void> {
  const toStdout = options.out === "-";
  if (toStdout && context.json) throw new UsageError("--out - writes the file's bytes to stdout; it cannot be combined with --json");
  const fs = await import("node:fs");
  const path = await import("node:path");
  const { readBlob } = await import("../../../lattice/framework/blob-store.ts");
  await withProject(options, async (db) => {
    const file = await findFile(db, options.file as string);
    // readBlob checks the bytes against their hash: damaged bytes are an error, never written out.
    const bytes = await readBlob(db.projectDir, file.sha256);
    if (toStdout) {
      await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())));
      return;
    }
    // The stored name becomes a path: only its last part, so a row written around the library
    // (raw SQL, a teammate's database) cannot send the bytes outside the chosen folder.
    const base = path.basename(file.name.replaceAll("\\", "/"));
    const safeName = base === "" || base === "." || base === ".." ? file.sha256 : base;
    let target = (options.out as string | undefined) ?? safeName;
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) target = path.join(target, safeName);
    writeNew(fs, target, bytes, options.force === true);
    if (context.json) {
      context.out(JSON.stringify({ ...recordJson(file), path: path.resolve(target) }) + "\n");
      return;
    }
    const { formatBytes } = await import("../../../lattice/storage/bytes.ts");
    context.out(`Extracted ${file.name} (${formatBytes(file.size)}) to ${target}.\n`);
  });
}

/**
 * Never leaves a half-written target: without --force the file is created exclusively ("wx", so
 * one made a moment ago is not overwritten either) and removed if the write fails; with --force
 * the bytes go to a temp file beside it that is renamed over it.
 */
function writeNew(fs: typeof import("node:fs"), target: string, bytes: Buffer, force: boolean): void {
  const temp = `${target}.lattice-${process.pid}.tmp`;
  const written = force ? temp : target;
  try {
    fs.writeFileSync(written, bytes, { flag: "wx" });
    if (force) fs.renameSync(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && !force) throw new Error(`${target} already exists; pass --force to overwrite it, or choose another --out`);
    if (code !== "EEXIST") fs.rmSync(written, { force: true });
    throw new Error(`cannot write ${target} (${code ?? (error as Error).message})`);
  } finally {
    if (force) fs.rmSync(temp, { force: true });
  }
}

async function deleteFile(options: ParsedOptions, context: CommandContext): Promise<void> {
  const fs = await import("node:fs");
  const { blobPath } = await import("../../../lattice/framework/blob-store.ts");
  await withProject(options, async (db) => {
    const file = await findFile(db, options.file as string);
    await db.delete("files", file.sha256);
    // One files row per sha256: with the row gone nothing in the project points at the bytes.
    fs.rmSync(blobPath(db.projectDir, file.sha256), { force: true });
    if (context.json) context.out(JSON.stringify({ ...recordJson(file), deleted: true }) + "\n");
    else context.out(`Deleted ${file.name} (${shortSha(file.sha256)}) and its stored bytes.\n`);
  });
}

export const filesCommands = [addCommand, listCommand, extractCommand, deleteCommand];
