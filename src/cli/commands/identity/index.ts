import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";

const setIdentityCommand: CommandSpec = {
  group: "identity",
  name: "set",
  description: "Save who you are on this machine (identity.json), used to prefill register and join",
  usage: "identity set [--email <email>] [--name <name>]",
  options: [
    { flag: "--email <email>", description: "Your email" },
    { flag: "--name <name>", description: "Your display name" },
  ],
  examples: ['  $ lattice identity set --email bob@example.com --name "Bob"'],
  run: setIdentity,
};

const showIdentityCommand: CommandSpec = {
  group: "identity",
  name: "show",
  description: "Print the display name and email saved on this machine",
  usage: "identity show [--json]",
  options: [],
  examples: ["  $ lattice identity show"],
  run: showIdentity,
};

async function setIdentity(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { updateIdentity } = await import("../../../lattice/home/identity.ts");
  const identity = updateIdentity({ email: options.email as string | undefined, displayName: options.name as string | undefined });
  if (context.json) context.out(JSON.stringify(identity) + "\n");
  else context.out(`Identity saved: ${identity.displayName} <${identity.email}>\n`);
}

async function showIdentity(_options: ParsedOptions, context: CommandContext): Promise<void> {
  const { readIdentity } = await import("../../../lattice/home/identity.ts");
  const identity = readIdentity();
  if (!identity) throw new Error("no identity saved on this machine — run lattice identity set --email <email> --name <name>");
  if (context.json) context.out(JSON.stringify(identity) + "\n");
  else context.out(`Name:  ${identity.displayName}\nEmail: ${identity.email}\n`);
}

export const identityCommands = [setIdentityCommand, showIdentityCommand];
