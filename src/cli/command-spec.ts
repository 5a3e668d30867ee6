import { parseArgs } from "node:util";

/** One option of a command, written as cac writes it: "--team-name <name>" takes a value, "--json" does not. */
export interface OptionSpec {
  flag: string;
  description: string;
  /** May be given several times (`--where a=1 --where b=2`); its value is then a string[]. */
  multiple?: boolean;
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

/** A positional argument; its value lands in ParsedOptions under `name`. */
export interface ArgumentSpec {
  name: string;
  optional?: boolean;
}

export interface CommandContext {
  json: boolean;
  /** "lattice teams register", for messages that point at --help. */
  commandLine: string;
  out(text: string): void;
  err(text: string): void;
}

/** A command as data (what `--help` shows) plus an action that imports its heavy modules lazily. */
export interface CommandSpec {
  group: string;
  /** The words after the group ("buckets create"); empty for a one-word command (`lattice init`). */
  name: string;
  description: string;
  usage: string;
  options: readonly OptionSpec[];
  args?: readonly ArgumentSpec[];
  examples: readonly string[];
  run(options: ParsedOptions, context: CommandContext): Promise<void>;
}

/** A mistake in how the command was typed: reported in one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** "kv buckets create", or "init" for a one-word command. */
export function commandPath(spec: Pick<CommandSpec, "group" | "name">): string {
  return spec.name ? `${spec.group} ${spec.name}` : spec.group;
}

export const globalOptions: readonly OptionSpec[] = [{ flag: "--json", description: "Print one JSON object for scripts" }];

function optionName(flag: string): { long: string; takesValue: boolean } {
  const long = /--([a-z0-9-]+)/i.exec(flag)?.[1];
  if (!long) throw new Error(`bad option spec "${flag}"`);
  return { long, takesValue: /[<[]/.test(flag) };
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses a command's flags strictly. cac (through mri) ignores unknown flags and turns values
 * such as "007" into numbers, so the values come from node's parseArgs over the same spec.
 */
export function parseCommandOptions(spec: CommandSpec, args: string[], commandLine: string): ParsedOptions {
  const config: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const option of [...spec.options, ...globalOptions]) {
    const { long, takesValue } = optionName(option.flag);
    config[long] = { type: takesValue ? "string" : "boolean", ...(option.multiple ? { multiple: true } : {}) };
  }
  const expected = spec.args ?? [];
  let values: ParsedOptions;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args, options: config, strict: true, allowPositionals: expected.length > 0 });
    values = parsed.values as ParsedOptions;
    positionals = parsed.positionals;
  } catch (error) {
    throw new UsageError(`${describeParseError(error as Error & { code?: string })} (see ${commandLine} --help)`);
  }
  if (positionals.length > expected.length) {
    throw new UsageError(`unexpected argument '${positionals[expected.length]}' (see ${commandLine} --help)`);
  }
  const missing = expected.slice(positionals.length).filter((a) => !a.optional);
  if (missing.length > 0) {
    throw new UsageError(`missing argument ${missing.map((a) => `<${a.name}>`).join(" ")} (see ${commandLine} --help)`);
  }
  const parsed: ParsedOptions = {};
  for (const [key, value] of Object.entries(values)) parsed[camel(key)] = value;
  expected.forEach((arg, i) => {
    if (positionals[i] !== undefined) parsed[arg.name] = positionals[i];
  });
  return parsed;
}

function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? "";
  const flag = quoted.split(" ")[0];
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${flag}'`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument '${quoted}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /does not take an argument/.test(error.message) ? `option ${flag} does not take a value` : `option ${flag} needs a value`;
    default:
      return error.message.split("\n", 1)[0]!;
  }
}

/** Refuses a command that lacks required flags, naming them all, before anything is sent. */
export function requireOptions(options: ParsedOptions, names: readonly string[], commandLine: string): void {
  const kebab = (name: string) => "--" + name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
  const missing = names.filter((name) => typeof options[name] !== "string" || (options[name] as string).trim() === "").map(kebab);
  if (missing.length === 1) throw new UsageError(`missing required option ${missing[0]} (see ${commandLine} --help)`);
  if (missing.length > 1) throw new UsageError(`missing required options ${missing.join(", ")} (see ${commandLine} --help)`);
}
