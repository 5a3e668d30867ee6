import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { formatTable } from "../../output.ts";
import { teamOption } from "../teams/shared.ts";
import { bucketCommands } from "../storage/buckets.ts";
import { contentClient, serverOption, shortId } from "../storage/shared.ts";

const contentOptions = [teamOption, serverOption];

const deployCommand: CommandSpec = {
  group: "static",
  name: "deploy",
  description: "Publish a folder to a static bucket: uploads only the files the server lacks, then switches atomically",
  usage: "static deploy <dir> --bucket <name> [--include-dotfiles] [--team <name> | --server <url>]",
  options: [
    { flag: "--bucket <name>", description: "Static bucket to deploy to (required)" },
    { flag: "--include-dotfiles", description: "Also deploy files and folders whose name starts with a dot (node_modules is always skipped)" },
    ...contentOptions,
  ],
  args: [{ name: "dir" }],
  examples: [
    "  $ lattice static deploy ./dist --bucket site",
    "  $ LATTICE_STORAGE_TOKEN=lst_… lattice static deploy ./dist --bucket site --server https://lattice.example.com",
  ],
  async run(options: ParsedOptions, context: CommandContext) {
    requireOptions(options, ["bucket"], context.commandLine);
    const client = await contentClient(options);
    const { deployProgress } = await import("./progress.ts");
    const { formatBytes } = await import("../../../lattice/storage/bytes.ts");
    const bucket = options.bucket as string;
    const result = await client.deploy(bucket, options.dir as string, {
      includeDotfiles: options.includeDotfiles === true,
      progress: await deployProgress({ json: context.json }),
    });
    if (context.json) {
      context.out(JSON.stringify(result) + "\n");
      return;
    }
    if (result.unchanged) {
      context.out(`No changes: static bucket ${JSON.stringify(bucket)} already serves this content (deploy ${shortId(result.deployId)}).\n`);
      return;
    }
    const files = `${result.fileCount} file${result.fileCount === 1 ? "" : "s"}`;
    context.out(`Deployed ${files} (${result.uploadedFiles} new, ${formatBytes(result.uploadedBytes, { minUnit: "KB" })} uploaded) to static bucket ${JSON.stringify(bucket)}.\n`);
  },
};

const lsCommand: CommandSpec = {
  group: "static",
  name: "ls",
  description: "List the files of a static bucket's current deploy",
  usage: "static ls <bucket> [--prefix <path>] [--team <name> | --server <url>] [--json]",
  options: [...contentOptions, { flag: "--prefix <path>", description: "Only paths that start with this, e.g. css/" }],
  args: [{ name: "bucket" }],
  examples: ["  $ lattice static ls site", "  $ lattice static ls site --prefix css/"],
  async run(options: ParsedOptions, context: CommandContext) {
    const bucket = options.bucket as string;
    const listing = await (await contentClient(options)).staticFiles(bucket, { prefix: options.prefix as string | undefined });
    if (context.json) {
      context.out(JSON.stringify(listing) + "\n");
      return;
    }
    if (listing.deployId === null) {
      context.out(`Static bucket ${JSON.stringify(bucket)} has no deploy yet.\n`);
      return;
    }
    const { formatBytes } = await import("../../../lattice/storage/bytes.ts");
    if (listing.files.length === 0) context.out(`No files starting with ${JSON.stringify(options.prefix)} in static bucket ${JSON.stringify(bucket)}.\n`);
    else context.out(formatTable(["PATH", "SIZE", "TYPE"], listing.files.map((f) => [f.path, formatBytes(f.size), f.contentType])));
  },
};

const rollbackCommand: CommandSpec = {
  group: "static",
  name: "rollback",
  description: "Return a static bucket to its previous deploy (run it again to undo)",
  usage: "static rollback <bucket> [--team <name> | --server <url>]",
  options: contentOptions,
  args: [{ name: "bucket" }],
  examples: ["  $ lattice static rollback site"],
  async run(options: ParsedOptions, context: CommandContext) {
    const bucket = options.bucket as string;
    const result = await (await contentClient(options)).rollback(bucket);
    if (context.json) context.out(JSON.stringify(result) + "\n");
    else context.out(`Rolled back static bucket ${JSON.stringify(bucket)} to its previous deploy (${shortId(result.currentDeployId)}).\n`);
  },
};

export const staticCommands = [...bucketCommands("static"), deployCommand, lsCommand, rollbackCommand];
