import type { CommandContext, CommandSpec, ParsedOptions } from "../../command-spec.ts";
import type { TeamStatus } from "../../../lattice/teams/client.ts";
import type { LocalSyncStatus } from "../../../lattice/sync/engine.ts";
import { configOption, findConfig } from "../data/project.ts";
import { formatDate } from "../../output.ts";
import { savedClient, teamOption } from "./shared.ts";

export const statusCommand: CommandSpec = {
  group: "teams",
  name: "status",
  description: "Check the server, your identity, team, role and token for a saved connection",
  usage: "teams status [--team <name>] [--config <path>]",
  options: [teamOption, configOption],
  examples: ["  $ lattice teams status", "  $ lattice teams status --team atlas --json"],
  run: teamStatus,
};

async function teamStatus(options: ParsedOptions, context: CommandContext): Promise<void> {
  const client = await savedClient(options);
  const status = await client.status();
  const sync = await projectSync(options, client);
  if (context.json) context.out(JSON.stringify(sync ? { ...status, sync } : status) + "\n");
  else context.out(formatStatus(status, client.connection) + (sync ? "\n" + formatSync(sync) : "") + "\n");
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

type ProjectSync = ({ project: string } & LocalSyncStatus) | { project: string; error: string };

/** The sync state of the project in this folder (when there is one): shared tables, pending, cursor, refusals. */
async function projectSync(options: ParsedOptions, client: Awaited<ReturnType<typeof savedClient>>): Promise<ProjectSync | null> {
  let config: string;
  try {
    config = findConfig(options);
  } catch {
    return null;
  }
  try {
    const { SyncProject } = await import("../../../lattice/sync/engine.ts");
    const project = await SyncProject.open(config, client);
    try {
      return { project: config, ...(await project.status()) };
    } finally {
      await project.close();
    }
  } catch (error) {
    return { project: config, error: (error as Error).message };
  }
}

function formatSync(sync: ProjectSync): string {
  if ("error" in sync) return `Project:     ${sync.project} (${sync.error})`;
  const tables = sync.tables.map((t) => `${t.table} (${t.rows} row${t.rows === 1 ? "" : "s"}: ${t.linked} linked, ${t.mine} yours)`).join(", ");
  const lines = [
    `Project:     ${sync.project}`,
    `Shared:      ${tables || "no shared tables yet (lattice teams share --table <name>)"}`,
    `Pending:     ${sync.pending} row${sync.pending === 1 ? "" : "s"} to push`,
    `Cursor:      ${sync.cursor} (last pull ${sync.lastPull ? formatDate(new Date(sync.lastPull)) : "never"}, last push ${sync.lastPush ? formatDate(new Date(sync.lastPush)) : "never"})`,
  ];
  for (const r of sync.refusals) lines.push(`Refused:     ${r.table} ${r.pk} (${r.status}${r.restored ? ", restored" : ", restored on next pull"}): ${r.reason}`);
  return lines.join("\n");
}
