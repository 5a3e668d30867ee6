import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { formatTable } from "../../output.ts";

const setCommand: CommandSpec = {
  group: "db-credentials",
  name: "set",
  description: "Store a Postgres URL under a label, encrypted with the master key",
  usage: "db-credentials set <label> <postgres-url | ->",
  options: [],
  args: [{ name: "label" }, { name: "url" }],
  examples: [
    "  $ lattice db-credentials set prod postgres://app:secret@db.example.com:5432/atlas",
    "  $ printf '%s' \"$DATABASE_URL\" | lattice db-credentials set prod -   # keeps the password out of shell history",
  ],
  run: setCredential,
};

const listCommand: CommandSpec = {
  group: "db-credentials",
  name: "list",
  description: "List stored database labels with their URLs, passwords masked",
  usage: "db-credentials list [--json]",
  options: [],
  examples: ["  $ lattice db-credentials list"],
  run: listCredentials,
};

const removeCommand: CommandSpec = {
  group: "db-credentials",
  name: "remove",
  description: "Delete a stored database URL",
  usage: "db-credentials remove <label>",
  options: [],
  args: [{ name: "label" }],
  examples: ["  $ lattice db-credentials remove prod"],
  run: removeCredential,
};

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}

async function setCredential(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { setDbCredential, maskPostgresUrl } = await import("../../../lattice/home/db-credentials.ts");
  const url = options.url === "-" ? await readStdin() : (options.url as string);
  const saved = setDbCredential(options.label as string, url);
  const masked = maskPostgresUrl(saved.url);
  if (context.json) context.out(JSON.stringify({ label: saved.label, url: masked }) + "\n");
  else context.out(`Saved database credentials "${saved.label}" (${masked}).\n`);
}

async function listCredentials(_options: ParsedOptions, context: CommandContext): Promise<void> {
  const { listDbCredentials, maskPostgresUrl } = await import("../../../lattice/home/db-credentials.ts");
  const rows = listDbCredentials().map((c) => ({ label: c.label, url: maskPostgresUrl(c.url) }));
  if (context.json) context.out(JSON.stringify(rows) + "\n");
  else if (rows.length === 0) context.out("No database credentials saved.\n");
  else context.out(formatTable(["LABEL", "URL"], rows.map((r) => [r.label, r.url])));
}

async function removeCredential(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { removeDbCredential } = await import("../../../lattice/home/db-credentials.ts");
  const label = options.label as string;
  if (!removeDbCredential(label)) throw new Error(`no database credentials labelled "${label}"`);
  if (context.json) context.out(JSON.stringify({ label, removed: true }) + "\n");
  else context.out(`Removed database credentials "${label}".\n`);
}

export const dbCredentialsCommands = [setCommand, listCommand, removeCommand];
