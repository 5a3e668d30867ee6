import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { cloudOption, withIdentityDefaults } from "./shared.ts";

export const registerCommand: CommandSpec = {
  group: "teams",
  name: "register",
  description: "Create the team on a fresh Lattice server (user, team, membership and token in one call)",
  usage: "teams register --cloud <url> --email <email> --name <name> --team-name <team> [--password <password>]",
  options: [
    { flag: "--cloud <url>", description: "Lattice server URL, e.g. http://localhost:4317" },
    { flag: "--email <email>", description: "Your email (default: from identity.json)" },
    { flag: "--name <name>", description: "Your display name (default: from identity.json)" },
    { flag: "--team-name <team>", description: "Name of the team to create" },
    { flag: "--password <password>", description: "Dashboard sign-in password (optional, 8+ characters)" },
  ],
  examples: [
    '  $ lattice teams register --cloud http://localhost:4317 --email alice@example.com --name "Alice" --team-name "Atlas"',
  ],
  run: registerTeam,
};

async function registerTeam(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { commandLine } = context;
  options = await withIdentityDefaults(options);
  requireOptions(options, ["cloud", "email", "name", "teamName"], commandLine);

  const cloud = await cloudOption(options.cloud);

  const { TeamsClient, LocalSaveError } = await import("../../../lattice/teams/client.ts");
  try {
    const registration = await TeamsClient.register({
      cloud,
      email: options.email as string,
      name: options.name as string,
      teamName: options.teamName as string,
      password: options.password as string | undefined,
    });
    printRegistration(registration, context);
  } catch (error) {
    // The token exists only in this process now: print it even though saving it failed.
    if (error instanceof LocalSaveError) printRegistration({ ...error.registration, label: null }, context);
    throw error;
  }
}

function printRegistration(
  r: { cloud: string; label: string | null; user: { id: string; email: string }; team: { id: string; name: string }; token: string },
  context: CommandContext,
): void {
  if (context.json) {
    const body = { userId: r.user.id, teamId: r.team.id, email: r.user.email, teamName: r.team.name, token: r.token, label: r.label, cloud: r.cloud };
    context.out(JSON.stringify(body) + "\n");
    return;
  }
  context.out(
    [
      `Registered ${r.user.email} and created team ${JSON.stringify(r.team.name)}.`,
      `user-id: ${r.user.id}`,
      `team-id: ${r.team.id}`,
      "Bootstrap API token (shown ONCE — save it now):",
      r.token,
    ].join("\n") + "\n",
  );
}
