import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { cloudOption, withIdentityDefaults } from "./shared.ts";

export const joinCommand: CommandSpec = {
  group: "teams",
  name: "join",
  description: "Redeem an invitation token and save the team's connection on this machine",
  usage: "teams join --cloud <url> --token <latinv_…> [--email <email>] [--name <name>] [--password <password>]",
  options: [
    { flag: "--cloud <url>", description: "Lattice server URL, e.g. http://localhost:4317" },
    { flag: "--token <token>", description: "The invitation token (latinv_…) you were given" },
    { flag: "--email <email>", description: "The email the invitation is bound to (default: from identity.json)" },
    { flag: "--name <name>", description: "Your display name (default: from identity.json, else the part of --email before @)" },
    { flag: "--password <password>", description: "Dashboard sign-in password (optional, 8+ characters)" },
  ],
  examples: ['  $ lattice teams join --cloud http://localhost:4317 --token latinv_a2c8e5... --email bob@example.com --name "Bob"'],
  run: joinTeam,
};

async function joinTeam(options: ParsedOptions, context: CommandContext): Promise<void> {
  options = await withIdentityDefaults(options);
  requireOptions(options, ["cloud", "token", "email"], context.commandLine);
  // An invitee with no saved identity still joins as shown on the dashboard; the name can change later.
  if (typeof options.name !== "string") options = { ...options, name: (options.email as string).split("@")[0] };
  const cloud = await cloudOption(options.cloud);

  const { TeamsClient, JoinSaveError } = await import("../../../lattice/teams/client.ts");
  try {
    const joined = await TeamsClient.join({
      cloud,
      token: options.token as string,
      email: options.email as string,
      name: options.name as string,
      password: options.password as string | undefined,
    });
    if (context.json) {
      const { label, team, user, role, tokenFile } = joined;
      context.out(JSON.stringify({ label, cloud, teamId: team.id, teamName: team.name, userId: user.id, email: user.email, role, tokenFile }) + "\n");
    } else {
      context.out(`Joined team ${JSON.stringify(joined.team.name)}. Local connection saved.\n`);
    }
  } catch (error) {
    // The server has issued the member's token; if it could not be saved it must be shown now.
    if (error instanceof JoinSaveError) context.out(`Your API token for "${error.team.name}" (shown ONCE — save it now):\n${error.token}\n`);
    throw error;
  }
}
