import { cac } from "cac";
import packageJson from "../../package.json" with { type: "json" };
import { globalOptions, parseCommandOptions, UsageError, type CommandContext, type CommandSpec } from "./command-spec.ts";
import { accountCommands } from "./commands/account/index.ts";
import { dbCredentialsCommands } from "./commands/db-credentials/index.ts";
import { identityCommands } from "./commands/identity/index.ts";
import { teamsCommands } from "./commands/teams/index.ts";

const commands: readonly CommandSpec[] = [...teamsCommands, ...identityCommands, ...dbCredentialsCommands, ...accountCommands];

function buildCli() {
  const cli = cac("lattice");
  for (const spec of commands) {
    const command = cli.command(`${spec.group} ${spec.name}`, spec.description).usage(spec.usage);
    for (const option of spec.options) command.option(option.flag, option.description);
    for (const example of spec.examples) command.example(example);
  }
  for (const option of globalOptions) cli.option(option.flag, option.description);
  // cac pads every option line for a default value we never set.
  cli.help((sections) => sections.map((section) => ({ ...section, body: section.body.replace(/ +$/gm, "") })));
  cli.version(packageJson.version);
  return cli;
}

/** Finds "<group> <name>" among the leading words; the rest of argv is that command's flags. */
function splitCommand(argv: string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (const arg of argv) {
    if (words.length < 2 && !arg.startsWith("-") && rest.every((r) => r.startsWith("-"))) words.push(arg);
    else rest.push(arg);
  }
  return { words, rest };
}

async function main(argv: string[]): Promise<void> {
  const context: CommandContext = {
    json: false,
    commandLine: "lattice",
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
  const { words, rest } = splitCommand(argv);
  const spec = commands.find((c) => c.group === words[0] && c.name === words[1]);

  // --help / --version: cac renders them. It matches one word per command, so pass "teams register" as one.
  if (argv.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "-v") || words.length === 0) {
    if (!spec && words.length > 0 && !commands.some((c) => c.group === words[0])) throw unknownCommand(words);
    const cli = buildCli();
    cli.parse(["node", "lattice", ...(spec ? [`${spec.group} ${spec.name}`, ...rest] : rest)], { run: false });
    if (!cli.options.help && !cli.options.version) {
      // No command and no --help: an unknown flag, or nothing at all.
      const flag = rest.find((a) => a.startsWith("-"));
      if (flag) throw new UsageError(`unknown option '${flag.split("=")[0]}' (see lattice --help)`);
      cli.outputHelp();
    }
    return;
  }
  if (!spec) {
    if (commands.some((c) => c.group === words[0]) && words.length === 1) {
      throw new UsageError(`missing command after '${words[0]}' (see lattice --help)`);
    }
    throw unknownCommand(words);
  }

  context.commandLine = `lattice ${spec.group} ${spec.name}`;
  const options = parseCommandOptions(spec, rest, context.commandLine);
  context.json = options.json === true;
  await spec.run(options, context);
}

function unknownCommand(words: string[]): UsageError {
  return new UsageError(`unknown command '${words.join(" ")}' (see lattice --help)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lattice: ${message.split("\n", 1)[0]}\n`);
  if (process.env.LATTICE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
