import { UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import type { TerminalInput } from "../../input.ts";
import { configOption, withProject } from "../data/project.ts";

const setCommand: CommandSpec = {
  group: "secrets",
  name: "set",
  description: "Save a secret, encrypted at rest; the value comes from stdin or a prompt that does not echo",
  usage: "secrets set <name> [--kind <kind>] < value.txt",
  options: [{ flag: "--kind <kind>", description: 'What it is, such as api-key (default "generic"; an update keeps the old kind)' }, configOption],
  args: [{ name: "name" }],
  examples: [
    "  $ lattice secrets set OPENAI_API_KEY --kind api-key        # asks for the value",
    '  $ printf \'%s\' "$OPENAI_API_KEY" | lattice secrets set OPENAI_API_KEY --kind api-key',
  ],
  run: setSecret,
};

const getCommand: CommandSpec = {
  group: "secrets",
  name: "get",
  description: "Print a secret's name, kind and dates; --reveal prints only its value (for $(...))",
  usage: "secrets get <name> [--reveal] [--json]",
  options: [{ flag: "--reveal", description: "Print the value itself, and nothing else" }, configOption],
  args: [{ name: "name" }],
  examples: ["  $ lattice secrets get OPENAI_API_KEY", '  $ export OPENAI_API_KEY="$(lattice secrets get OPENAI_API_KEY --reveal)"'],
  run: getSecret,
};

const listCommand: CommandSpec = {
  group: "secrets",
  name: "list",
  description: "List secrets by name and kind (never their values)",
  usage: "secrets list [--json]",
  options: [configOption],
  examples: ["  $ lattice secrets list"],
  run: listSecrets,
};

const deleteCommand: CommandSpec = {
  group: "secrets",
  name: "delete",
  description: "Delete a secret",
  usage: "secrets delete <name>",
  options: [configOption],
  args: [{ name: "name" }],
  examples: ["  $ lattice secrets delete OPENAI_API_KEY"],
  run: deleteSecret,
};

interface SecretMeta {
  name: string;
  kind: string;
  createdAt: string;
  updatedAt: string;
}

const meta = (secret: SecretMeta): SecretMeta => ({ name: secret.name, kind: secret.kind, createdAt: secret.createdAt, updatedAt: secret.updatedAt });

function notFound(name: string): Error {
  return new Error(`no secret named ${JSON.stringify(name)} (lattice secrets list shows them)`);
}

/**
 * The value: all of stdin less one final newline (`echo` adds it), or typed on a terminal without
 * echo. Never an argument, which would sit in shell history and the process list.
 */
async function readSecretValue(name: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const { readStdin } = await import("../../input.ts");
    const value = (await readStdin()).replace(/\r?\n$/, "");
    if (value === "") throw new Error(`no value on stdin for ${name}: pipe it in (printf '%s' "$VALUE" | lattice secrets set ${name}), or run this on a terminal to be asked`);
    return value;
  }
  const { readHiddenLines } = await import("../../input.ts");
  const [value] = await readHiddenLines(process.stdin as TerminalInput, process.stderr, [`Value for ${name}: `]);
  if (!value) throw new Error("nothing typed; nothing was changed");
  return value;
}

async function setSecret(options: ParsedOptions, context: CommandContext): Promise<void> {
  const name = options.name as string;
  const kind = options.kind as string | undefined;
  if (kind !== undefined && kind.trim() === "") throw new UsageError("--kind cannot be empty");
  await withProject(options, async (db) => {
    // The config is checked (by opening the project) before anyone types a secret.
    const value = await readSecretValue(name);
    const { saved, created } = await db.transaction(async (tx) => {
      const existing = await tx.get("secrets", name);
      if (existing) return { saved: await tx.update("secrets", name, { value, ...(kind ? { kind } : {}) }), created: false };
      return { saved: await tx.insert("secrets", { name, value, ...(kind ? { kind } : {}) }), created: true };
    });
    if (context.json) context.out(JSON.stringify({ ...meta(saved), created }) + "\n");
    else context.out(`${created ? "Created" : "Updated"} secret ${JSON.stringify(name)} (${saved.kind}).\n`);
  });
}

async function getSecret(options: ParsedOptions, context: CommandContext): Promise<void> {
  const name = options.name as string;
  await withProject(options, async (db) => {
    const secret = await db.get("secrets", name);
    if (!secret) throw notFound(name);
    if (options.reveal === true) {
      context.out(context.json ? JSON.stringify({ ...meta(secret), value: secret.value }) + "\n" : secret.value + "\n");
      return;
    }
    if (context.json) {
      context.out(JSON.stringify(meta(secret)) + "\n");
      return;
    }
    const { formatDate } = await import("../../output.ts");
    context.out(
      [
        `Name:     ${secret.name}`,
        `Kind:     ${secret.kind}`,
        `Created:  ${formatDate(secret.createdAt)}`,
        `Updated:  ${formatDate(secret.updatedAt)}`,
        `Value:    hidden (--reveal prints it)`,
        "",
      ].join("\n"),
    );
  });
}

async function listSecrets(options: ParsedOptions, context: CommandContext): Promise<void> {
  await withProject(options, async (db) => {
    // Without the values: listing names must work even when the key in use cannot open them.
    const secrets = (await db.query("secrets", { columns: ["name", "kind", "createdAt", "updatedAt"], orderBy: "name" })).map(meta);
    if (context.json) {
      context.out(JSON.stringify(secrets) + "\n");
      return;
    }
    if (secrets.length === 0) {
      context.out("No secrets yet (lattice secrets set <name> adds one).\n");
      return;
    }
    const { formatDate, formatTable } = await import("../../output.ts");
    context.out(formatTable(["NAME", "KIND", "CREATED", "UPDATED"], secrets.map((s) => [s.name, s.kind, formatDate(s.createdAt), formatDate(s.updatedAt)])));
  });
}

async function deleteSecret(options: ParsedOptions, context: CommandContext): Promise<void> {
  const name = options.name as string;
  await withProject(options, async (db) => {
    if (!(await db.delete("secrets", name))) throw notFound(name);
    if (context.json) context.out(JSON.stringify({ name, deleted: true }) + "\n");
    else context.out(`Deleted secret ${JSON.stringify(name)}.\n`);
  });
}

export const secretsCommands = [setCommand, getCommand, listCommand, deleteCommand];
