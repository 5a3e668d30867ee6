import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import type { TeamStatus } from "../../../lattice/teams/client.ts";
import { savedClient, teamOption } from "./shared.ts";

export const statusCommand: CommandSpec = {
  group: "teams",
  name: "status",
  description: "Check the server, your identity, team, role and token for a saved connection",
  usage: "teams status [--team <name>]",
  options: [teamOption],
  examples: ["  $ lattice teams status", "  $ lattice teams status --team atlas --json"],
  run: teamStatus,
};

async function teamStatus(options: ParsedOptions, context: CommandContext): Promise<void> {
  const client = await savedClient(options);
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
  const valid = status.token === "valid";
  const team = valid ? (status.team?.name ?? "(none)") : (saved?.teamName ?? "?");
  const members = valid && status.memberCount !== null ? ` (${status.memberCount} member${status.memberCount === 1 ? "" : "s"})` : "";
  const you = status.user !== null ? `${status.user.displayName} <${status.user.email}>` : (saved?.email ?? "?");
  const token = valid ? "valid" : status.token === "rejected" ? "rejected (401)" : "not checked";
  const lines = [
    `Server:      ${status.cloud} (${serverState})`,
    `Team:        ${team}${members}`,
    `You:         ${you}`,
    `Role:        ${valid ? (status.role ?? "not a member") : "unknown"}`,
    `Token:       ${token}`,
  ];
  if (status.pendingInvitations !== null) lines.push(`Invitations: ${status.pendingInvitations} pending`);
  return lines.join("\n");
}
