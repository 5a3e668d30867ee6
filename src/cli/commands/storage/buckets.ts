import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { teamOption } from "../teams/shared.ts";
import { operatorClient, shortId, type Surface } from "./shared.ts";

/** `<surface> buckets create|list|delete`: the same three commands for KV and static buckets. */
export function bucketCommands(surface: Surface): CommandSpec[] {
  const create: CommandSpec = {
    group: surface,
    name: "buckets create",
    description: `Create a ${surface} bucket (needs ${surface}:admin)`,
    usage: `${surface} buckets create <name> [--team <name>]`,
    options: [teamOption],
    args: [{ name: "name" }],
    examples: [`  $ lattice ${surface} buckets create ${surface === "kv" ? "cfg" : "site"}`],
    async run(options: ParsedOptions, context: CommandContext) {
      const bucket = await (await operatorClient(options)).createBucket(surface, options.name as string);
      if (context.json) context.out(JSON.stringify(bucket) + "\n");
      else context.out(`Created ${surface} bucket ${JSON.stringify(bucket.name)}.\n`);
    },
  };

  const list: CommandSpec = {
    group: surface,
    name: "buckets list",
    description: `List ${surface} buckets with their host bindings`,
    usage: `${surface} buckets list [--team <name>] [--json]`,
    options: [teamOption],
    examples: [`  $ lattice ${surface} buckets list`],
    async run(options: ParsedOptions, context: CommandContext) {
      const buckets = await (await operatorClient(options)).listBuckets(surface);
      if (context.json) context.out(JSON.stringify(buckets) + "\n");
      else if (buckets.length === 0) context.out(`No ${surface} buckets yet.\n`);
      else if (surface === "kv") context.out(formatTable(["NAME", "BINDINGS", "CREATED"], buckets.map((b) => [b.name, String(b.bindings), formatDate(b.createdAt)])));
      else {
        const rows = buckets.map((b) => [b.name, String(b.bindings), shortId(b.currentDeployId), formatDate(b.createdAt)]);
        context.out(formatTable(["NAME", "BINDINGS", "DEPLOY", "CREATED"], rows));
      }
    },
  };

  const remove: CommandSpec = {
    group: surface,
    name: "buckets delete",
    description: `Delete a ${surface} bucket and its contents; --force also removes the hosts bound to it`,
    usage: `${surface} buckets delete <name> [--force] [--team <name>]`,
    options: [teamOption, { flag: "--force", description: "Also delete the bucket's host bindings (otherwise a bound bucket is refused)" }],
    args: [{ name: "name" }],
    examples: [`  $ lattice ${surface} buckets delete ${surface === "kv" ? "cfg" : "site"}`, `  $ lattice ${surface} buckets delete old --force`],
    async run(options: ParsedOptions, context: CommandContext) {
      const deleted = await (await operatorClient(options)).deleteBucket(surface, options.name as string, { force: options.force === true });
      if (context.json) context.out(JSON.stringify(deleted) + "\n");
      else if (deleted.unbound.length) context.out(`Deleted ${surface} bucket ${JSON.stringify(deleted.name)} and its bindings: ${deleted.unbound.join(", ")}.\n`);
      else context.out(`Deleted ${surface} bucket ${JSON.stringify(deleted.name)}.\n`);
    },
  };

  return [create, list, remove];
}
