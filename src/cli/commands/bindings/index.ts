import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { teamOption } from "../teams/shared.ts";
import { operatorClient, parseSurface } from "../storage/shared.ts";

const bucketOption = { flag: "--bucket <name>", description: "The bucket the host serves" };
const surfaceOption = { flag: "--surface <surface>", description: "kv or static" };

const addCommand: CommandSpec = {
  group: "bindings",
  name: "add",
  description: "Serve a bucket at a hostname or IP (static: public; kv: needs a storage token)",
  usage: "bindings add <host> --bucket <name> --surface kv|static [--team <name>]",
  options: [teamOption, bucketOption, surfaceOption],
  args: [{ name: "host" }],
  examples: ["  $ lattice bindings add site.example.com --bucket site --surface static", "  $ lattice bindings add kv.example.com --bucket cfg --surface kv"],
  async run(options: ParsedOptions, context: CommandContext) {
    requireOptions(options, ["bucket", "surface"], context.commandLine);
    const surface = parseSurface(options.surface);
    const binding = await (await operatorClient(options)).addBinding({ host: options.host as string, surface, bucket: options.bucket as string });
    if (context.json) context.out(JSON.stringify(binding) + "\n");
    else {
      // A pasted URL binds its host: say which, so nobody wonders what became of the rest.
      const from = (options.host as string).includes("://") ? ` (the host of ${(options.host as string).trim()})` : "";
      context.out(`Bound ${binding.host}${from} to ${binding.surface} bucket ${JSON.stringify(binding.bucket)}.\n`);
    }
  },
};

const listCommand: CommandSpec = {
  group: "bindings",
  name: "list",
  description: "List host bindings (of the surfaces you administer)",
  usage: "bindings list [--surface kv|static] [--team <name>] [--json]",
  options: [teamOption, { flag: "--surface <surface>", description: "Only kv or only static bindings" }],
  examples: ["  $ lattice bindings list", "  $ lattice bindings list --surface static --json"],
  async run(options: ParsedOptions, context: CommandContext) {
    const surface = options.surface === undefined ? undefined : parseSurface(options.surface);
    const bindings = await (await operatorClient(options)).listBindings({ surface });
    if (context.json) context.out(JSON.stringify(bindings) + "\n");
    else if (bindings.length === 0) context.out("No host bindings yet.\n");
    else {
      const rows = bindings.map((b) => [b.host, b.surface, b.bucket, b.enabled ? "enabled" : "disabled", formatDate(b.createdAt)]);
      context.out(formatTable(["HOST", "SURFACE", "BUCKET", "STATUS", "CREATED"], rows));
    }
  },
};

/** enable, disable and remove find the binding by host; --bucket/--surface, when given, must match it. */
function bindingCommand(name: "enable" | "disable" | "remove", description: string): CommandSpec {
  return {
    group: "bindings",
    name,
    description,
    usage: `bindings ${name} <host> [--bucket <name>] [--surface kv|static] [--team <name>]`,
    options: [teamOption, { flag: "--bucket <name>", description: "Check that the host serves this bucket" }, { flag: "--surface <surface>", description: "kv or static" }],
    args: [{ name: "host" }],
    examples: [`  $ lattice bindings ${name} site.example.com`],
    async run(options: ParsedOptions, context: CommandContext) {
      const surface = options.surface === undefined ? undefined : parseSurface(options.surface);
      const client = await operatorClient(options);
      const binding = await client.findBinding(options.host as string, { surface });
      if (options.bucket !== undefined && options.bucket !== binding.bucket) {
        throw new Error(`${binding.host} serves ${binding.surface} bucket ${JSON.stringify(binding.bucket)}, not ${JSON.stringify(options.bucket)}`);
      }
      const result = name === "remove" ? await client.removeBinding(binding.id) : await client.setBindingEnabled(binding.id, name === "enable");
      if (context.json) {
        context.out(JSON.stringify(result) + "\n");
        return;
      }
      const what = `${result.host} (${result.surface} bucket ${JSON.stringify(result.bucket)})`;
      context.out(name === "remove" ? `Removed binding ${what}.\n` : `${name === "enable" ? "Enabled" : "Disabled"} ${what}.\n`);
    },
  };
}

export const bindingsCommands = [
  addCommand,
  listCommand,
  bindingCommand("enable", "Serve a bound host again"),
  bindingCommand("disable", "Stop serving a bound host (answers 404) without removing the binding"),
  bindingCommand("remove", "Delete a host binding"),
];
