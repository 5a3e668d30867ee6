import { cac } from "cac";
import packageJson from "../../package.json" with { type: "json" };
import { commandPath, globalOptions, parseCommandOptions, UsageError, type CommandContext, type CommandSpec } from "./command-spec.ts";
import { accountCommands } from "./commands/account/index.ts";
import { dataCommands } from "./commands/data/index.ts";
import { filesCommands } from "./commands/files/index.ts";
import { initCommand } from "./commands/init/index.ts";
import { secretsCommands } from "./commands/secrets/index.ts";
import { bindingsCommands } from "./commands/bindings/index.ts";
import { dbCredentialsCommands } from "./commands/db-credentials/index.ts";
import { identityCommands } from "./commands/identity/index.ts";
import { kvCommands } from "./commands/kv/index.ts";
import { staticCommands } from "./commands/static/index.ts";
import { teamsCommands } from "./commands/teams/index.ts";
import { tokensCommands } from "./commands/tokens/index.ts";

// The local project first (what a new user runs), then teams and storage on a server.
const commands: readonly CommandSpec[] = [
  initCommand,
  ...dataCommands,
  ...secretsCommands,
  ...filesCommands,
  ...teamsCommands,
  ...identityCommands,
  ...dbCredentialsCommands,
  ...accountCommands,
  ...kvCommands,
  ...staticCommands,
  ...bindingsCommands,
  ...tokensCommands,
];

/** The global help, or with `group` only that group's commands (`lattice kv --help`). */
function buildCli(group?: string) {
  const cli = cac("lattice");
  for (const spec of commands) {
    if (group && spec.group !== group) continue;
    const command = cli.command(commandPath(spec), spec.description).usage(spec.usage);
    for (const option of spec.options) command.option(option.flag, option.description);
    for (const example of spec.examples) command.example(example);
  }
  for (const option of globalOptions) cli.option(option.flag, option.description);
  cli.help((sections) =>
    sections.map((section) => {
      // cac pads every option line for a default value we never set.
      let body = section.body.replace(/ +$/gm, "");
      if (section.title === "Commands") body = separateGroups(body);
      // One line instead of cac's "$ lattice <command> --help" for every command.
      if (section.title?.startsWith("For more info")) body = group ? `  $ lattice ${group} <command> --help` : "  $ lattice <group> <command> --help\n  $ lattice <group> --help";
      return { ...section, body };
    }),
  );
  cli.version(packageJson.version);
  return cli;
}

/** A blank line between command groups keeps the long list scannable. */
function separateGroups(body: string): string {
  const lines: string[] = [];
  let previous: string | undefined;
  for (const line of body.split("\n")) {
    const group = line.trim().split(" ", 1)[0];
    if (previous !== undefined && group !== previous) lines.push("");
    lines.push(line);
    previous = group;
  }
  return lines.join("\n");
}

const commandWords = (spec: CommandSpec) => commandPath(spec).split(" ");

/**
 * The command named by the leading words of argv: the longest match, so "kv buckets create" wins
 * over a shorter one. Words after it (positional arguments) and every flag are the command's `rest`.
 */
function findCommand(argv: string[]): { spec: CommandSpec | undefined; words: string[]; rest: string[] } {
  const leadingFlags: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("-")) leadingFlags.push(argv[i++]!);
  const words: string[] = [];
  while (i < argv.length && !argv[i]!.startsWith("-")) words.push(argv[i++]!);
  let spec: CommandSpec | undefined;
  for (const candidate of commands) {
    const path = commandWords(candidate);
    if (path.length <= words.length && path.every((w, k) => words[k] === w) && path.length > (spec ? commandWords(spec).length : 0)) spec = candidate;
  }
  const used = spec ? commandWords(spec).length : 0;
  return { spec, words: spec ? words.slice(0, used) : words, rest: [...leadingFlags, ...words.slice(used), ...argv.slice(i)] };
}

async function main(argv: string[]): Promise<void> {
  const context: CommandContext = {
    json: false,
    commandLine: "lattice",
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
  const { spec, words, rest } = findCommand(argv);
  // "kv" or "kv buckets": the start of real commands, with the rest missing.
  const isPrefix = !spec && words.length > 0 && commands.some((c) => commandWords(c).length > words.length && words.every((w, k) => commandWords(c)[k] === w));

  // --help / --version: cac renders them. It matches one word per command, so pass "kv buckets create" as one.
  if (argv.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "-v") || words.length === 0) {
    if (!spec && words.length > 0 && !isPrefix) throw unknownCommand(words);
    const cli = buildCli(spec ? undefined : words[0]);
    cli.parse(["node", "lattice", ...(spec ? [commandPath(spec), ...rest] : rest.filter((a) => a.startsWith("-")))], { run: false });
    if (!cli.options.help && !cli.options.version) {
      // No command and no --help: an unknown flag, or nothing at all.
      const flag = rest.find((a) => a.startsWith("-"));
      if (flag) throw new UsageError(`unknown option '${flag.split("=")[0]}' (see lattice --help)`);
      cli.outputHelp();
    }
    return;
  }
  if (!spec) {
    if (isPrefix) throw new UsageError(`missing command after '${words.join(" ")}' (see lattice ${words[0]} --help)`);
    throw unknownCommand(words);
  }

  context.commandLine = `lattice ${commandPath(spec)}`;
  const options = parseCommandOptions(spec, rest, context.commandLine);
  context.json = options.json === true;
  await spec.run(options, context);
}

function unknownCommand(words: string[]): UsageError {
  // Name as much as was meant as a command: up to the first word that matches nothing.
  let known = 0;
  while (known < words.length && commands.some((c) => words.slice(0, known + 1).every((w, k) => commandWords(c)[k] === w))) known++;
  return new UsageError(`unknown command '${words.slice(0, Math.max(known + 1, 2)).join(" ")}' (see lattice --help)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lattice: ${message.split("\n", 1)[0]}\n`);
  if (process.env.LATTICE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
