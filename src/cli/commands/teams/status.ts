import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import type { TeamStatus } from "../../../lattice/teams/client.ts";

export const statusCommand: CommandSpec = {
  group: "teams",
  name: "status",
  description: "Check the server, your identity, team, role and token for a saved connection",
  usage: "teams status [--team <name>]",
  options: [{ flag: "--team <name>", description: "Which saved team (needed when several are saved)" }],
  examples: ["  $ lattice teams status", "  $ lattice teams status --team atlas --json"],
  run: teamStatus,
};

async function teamStatus(options: ParsedOptions, context: CommandContext): Promise<void> {
  const { TeamsClient } = await import("../../../lattice/teams/client.ts");
  const client = TeamsClient.fromSaved(options.team as string | undefined);
  const status = await client.status();
  if (context.json) context.out(JSON.stringify(status) + "\n");
  else context.out(formatStatus(status, client.connection) + "\n");
  if (status.error) {
    context.err(`lattice: ${status.error}\n`);
    process.exitCode = 1;
  }
}

function formatStatus(status: TeamStatus, saved: { teamName: string; email: string } | null): string {
  const { server } = status;
  const serverState = !server.reachable
    ? "unreachable"
    : !server.isLattice
      ? "not a Lattice server"
      : server.error
        ? "reachable, unhealthy"
        : `reachable, lattice ${server.version ?? "?"}, ${server.db ?? "?"}`;
  const team = status.token === "valid" ? (status.team?.name ?? "(none)") : (saved?.teamName ?? "?");
  const you =
    status.user !== null
      ? `${status.user.displayName} <${status.user.email}> (${status.role ?? "not a member"})`
      : (saved?.email ?? "?");
  const token = status.token === "valid" ? "valid" : status.token === "rejected" ? "rejected (401)" : "not checked";
  return [
    `Server:   ${status.cloud} (${serverState})`,
    `Team:     ${team}`,
    `You:      ${you}`,
    `Token:    ${token}`,
  ].join("\n");
}
