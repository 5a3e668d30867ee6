import { UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { teamOption } from "../teams/shared.ts";
import { bucketCommands } from "../storage/buckets.ts";
import { contentClient, parseDuration, serverOption } from "../storage/shared.ts";
import { kvValueText } from "./value.ts";

const contentOptions = [teamOption, serverOption];

const getCommand: CommandSpec = {
  group: "kv",
  name: "get",
  description: "Print a key's value: its JSON text exactly as stored (--json: with its version and etag)",
  usage: "kv get <bucket> <key> [--team <name> | --server <url>] [--json]",
  options: contentOptions,
  args: [{ name: "bucket" }, { name: "key" }],
  examples: ["  $ lattice kv get cfg site-title", "  $ LATTICE_STORAGE_TOKEN=lst_… lattice kv get cfg site-title --server https://lattice.example.com"],
  async run(options: ParsedOptions, context: CommandContext) {
    const entry = await (await contentClient(options)).kvGet(options.bucket as string, options.key as string);
    context.out((context.json ? entryJson(entry) : entry.valueText) + "\n");
  },
};

const putCommand: CommandSpec = {
  group: "kv",
  name: "put",
  description: "Set a key to a JSON value (or text with --string); - reads the value from stdin",
  usage: "kv put <bucket> <key> <json | -> [--string] [--if-match <etag>] [--if-absent] [--ttl <seconds>]",
  options: [
    ...contentOptions,
    { flag: "--string", description: "Store the value as text instead of parsing it as JSON" },
    { flag: "--if-match <etag>", description: "Write only if the key still has this etag (compare-and-swap)" },
    { flag: "--if-absent", description: "Write only if the key does not exist yet" },
    { flag: "--ttl <seconds>", description: "Expire the key after this long: seconds, or 90s, 30m, 12h, 7d" },
  ],
  args: [{ name: "bucket" }, { name: "key" }, { name: "value" }],
  examples: [
    `  $ lattice kv put cfg site-title '"Lattice"'`,
    "  $ lattice kv put cfg site-title Lattice --string",
    `  $ lattice kv put cfg limits '{"rps":50}' --if-match '"3"'`,
    "  $ lattice kv put cfg feature-flags - < flags.json",
  ],
  async run(options: ParsedOptions, context: CommandContext) {
    if (options.ifMatch !== undefined && options.ifAbsent) throw new UsageError("--if-match and --if-absent cannot be used together");
    const text = options.value === "-" ? await readStdin() : (options.value as string);
    const valueText = kvValueText(text, { string: options.string === true });
    const ttl = options.ttl === undefined ? undefined : parseDuration(options.ttl as string, "--ttl");
    const bucket = options.bucket as string;
    const written = await (await contentClient(options)).kvPutText(bucket, options.key as string, valueText, {
      ifMatch: options.ifMatch as string | undefined,
      ifAbsent: options.ifAbsent === true,
      ttl,
    });
    if (context.json) {
      context.out(entryJson(written) + "\n");
      return;
    }
    const expires = written.expiresAt ? `, expires ${formatDate(written.expiresAt)}` : "";
    context.out(`${written.created ? "Created" : "Updated"} ${JSON.stringify(written.key)} in kv bucket ${JSON.stringify(bucket)} (etag ${written.etag}${expires}).\n`);
  },
};

const deleteCommand: CommandSpec = {
  group: "kv",
  name: "delete",
  description: "Delete a key",
  usage: "kv delete <bucket> <key> [--team <name> | --server <url>]",
  options: contentOptions,
  args: [{ name: "bucket" }, { name: "key" }],
  examples: ["  $ lattice kv delete cfg site-title"],
  async run(options: ParsedOptions, context: CommandContext) {
    const bucket = options.bucket as string;
    const deleted = await (await contentClient(options)).kvDelete(bucket, options.key as string);
    if (context.json) context.out(JSON.stringify(deleted) + "\n");
    else context.out(`Deleted ${JSON.stringify(deleted.key)} from kv bucket ${JSON.stringify(bucket)}.\n`);
  },
};

const listCommand: CommandSpec = {
  group: "kv",
  name: "list",
  description: "List a bucket's keys with their version, last update and expiry",
  usage: "kv list <bucket> [--prefix <prefix>] [--team <name> | --server <url>] [--json]",
  options: [...contentOptions, { flag: "--prefix <prefix>", description: "Only keys that start with this" }],
  args: [{ name: "bucket" }],
  examples: ["  $ lattice kv list cfg", "  $ lattice kv list cfg --prefix feature/ --json"],
  async run(options: ParsedOptions, context: CommandContext) {
    const bucket = options.bucket as string;
    const prefix = options.prefix as string | undefined;
    const keys = await (await contentClient(options)).kvList(bucket, { prefix });
    if (context.json) context.out(JSON.stringify(keys) + "\n");
    else if (keys.length === 0) context.out(`No keys${prefix ? ` starting with ${JSON.stringify(prefix)}` : ""} in kv bucket ${JSON.stringify(bucket)}.\n`);
    else context.out(formatTable(["KEY", "VERSION", "UPDATED", "EXPIRES"], keys.map((k) => [k.key, String(k.version), formatDate(k.updatedAt), formatDate(k.expiresAt)])));
  },
};

/** An entry as JSON with `value` spliced in as the stored text: JSON.stringify of the parsed value would lose digits. */
function entryJson(entry: { value: unknown; valueText: string }): string {
  const { value: _parsed, ...rest } = entry;
  return `{"value":${entry.valueText},${JSON.stringify(rest).slice(1)}`;
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

export const kvCommands = [...bucketCommands("kv"), getCommand, putCommand, deleteCommand, listCommand];
