// lattice teams share | link | unlink | push | pull | sync: the project in this folder (the nearest
// lattice.config.yml) against a saved team connection, through latticesql's sync engine.
import { UsageError, requireOptions, type CommandContext, type CommandSpec, type OptionSpec, type ParsedOptions } from "../../command-spec.ts";
import { configOption, findConfig } from "../data/project.ts";
import type { LinkReport, PullReport, PushReport, SyncProgress, SyncProject, UnlinkReport } from "../../../lattice/sync/engine.ts";
import type { ShareResult } from "../../../lattice/sync/types.ts";
import { savedClient, teamOption } from "./shared.ts";

const tableOption: OptionSpec = { flag: "--table <name>", description: "A table (entity) of this project" };
const pkOption: OptionSpec = { flag: "--pk <key>", description: "A row's primary key (repeat for several)", multiple: true };
const whereOption: OptionSpec = { flag: "--where <expr>", description: "Rows matching column, operator, value, e.g. status=todo (repeat: all must hold)", multiple: true };

/** Opens the project for the saved team; always closed again. A bar on a terminal for large batches. */
async function withSync<T>(options: ParsedOptions, context: CommandContext, fn: (project: SyncProject) => Promise<T>): Promise<T> {
  const client = await savedClient(options);
  const { SyncProject } = await import("../../../lattice/sync/engine.ts");
  const progress = await progressBar(context);
  const project = await SyncProject.open(findConfig(options), client, { onProgress: progress.update });
  try {
    return await fn(project);
  } finally {
    progress.stop();
    await project.close();
  }
}

/** A bar on stderr when it is a terminal and a batch is large (more than one request); nothing otherwise. */
async function progressBar(context: CommandContext): Promise<{ update(p: SyncProgress): void; stop(): void }> {
  const stream = process.stderr;
  if (context.json || !stream.isTTY) return { update() {}, stop() {} };
  const { default: cliProgress } = await import("cli-progress");
  let bar: InstanceType<typeof cliProgress.SingleBar> | null = null;
  let phase = "";
  return {
    update(p) {
      if (p.total <= 1000 && !bar) return;
      if (!bar || phase !== p.phase) {
        bar?.stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar(
          { stream, format: `${p.phase === "push" ? "Pushing" : "Pulling"} [{bar}] {percentage}% | {value}/{total} ${p.phase === "push" ? "rows" : "changes"}`, hideCursor: true, clearOnComplete: true, barsize: 24 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(p.total, 1), 0);
      }
      bar.setTotal(Math.max(p.total, 1));
      bar.update(p.done);
    },
    stop() {
      bar?.stop();
    },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function keyList(keys: (string | number)[]): string {
  const shown = keys.slice(0, 5).map(String).join(", ");
  return keys.length > 5 ? `${shown}, … (${keys.length} in all)` : shown;
}

export function pushLines(report: PushReport): string[] {
  const lines = [`pushed ${plural(report.applied, "change")}${report.resent ? ` (${report.resent} re-sent from an interrupted push)` : ""}`];
  for (const r of report.refused) {
    lines.push(`refused ${r.table} ${r.pk}: ${r.reason ?? "refused"}${r.op === "link" ? " (your row stays in your project, unlinked: give it another key to share it)" : ""}`);
  }
  for (const r of report.stale) lines.push(`stale   ${r.table} ${r.pk}: ${r.reason ?? "stale"}`);
  if (report.stale.length || report.refused.some((r) => r.op !== "link")) lines.push("The team's version of those rows comes back on your next pull.");
  return lines;
}

export function pullLines(report: PullReport): string[] {
  const lines: string[] = [];
  for (const s of report.schema) {
    lines.push(s.created ? `added table ${s.table} to lattice.config.yml (shared by the team)` : `added ${s.added.join(", ")} to ${s.table} in lattice.config.yml`);
  }
  const tables = Object.entries(report.byTable).map(([table, n]) => `${table}: ${n}`);
  lines.push(`pulled ${plural(report.pulled, "change")}${tables.length ? ` (${tables.join(", ")})` : ""}`);
  if (report.restored) lines.push(`restored ${plural(report.restored, "row")} to the team's version (after a refused or stale push)`);
  for (const d of report.discarded) lines.push(`discarded your unpushed edit of ${d.table} ${d.pk}: the team's row changed meanwhile`);
  for (const c of report.collisions) lines.push(`kept your unlinked row ${c.table} ${c.pk}: the team has a row with that key (owned by ${c.owner}); rename or delete yours to receive the team's`);
  for (const k of report.skipped) lines.push(`skipped ${k.table} ${k.pk}: ${k.reason}`);
  return lines;
}

function shareLine(result: ShareResult, team: string): string {
  if (result.created) return `Shared table ${result.table} with team ${JSON.stringify(team)} (${plural(Object.keys(result.columns).length, "column")}, key ${result.primaryKey}). Members get it on their next sync; link rows to make them team-visible.`;
  if (result.addedColumns.length) return `Added ${result.addedColumns.join(", ")} to the team's table ${result.table}; members get the new columns on their next sync.`;
  return `${result.table} is already shared with team ${JSON.stringify(team)}; nothing changed.`;
}

async function keysFor(project: SyncProject, table: string, options: ParsedOptions): Promise<(string | number)[]> {
  const pks = (options.pk as string[] | undefined) ?? [];
  const wheres = (options.where as string[] | undefined) ?? [];
  if (!pks.length && !wheres.length) throw new UsageError("name the rows: --pk <key> (repeat for several) or --where <expr>");
  if (pks.length && wheres.length) throw new UsageError("use --pk or --where, not both");
  if (pks.length) return pks.map((pk) => project.keyValue(table, pk));
  const { parseWhere } = await import("../data/where.ts");
  const info = project.db.describe(table);
  const rows = await project.db.query(table, { where: parseWhere(wheres, info), columns: [info.primaryKey] });
  return rows.map((row) => row[info.primaryKey] as string | number);
}

function teamName(project: SyncProject): string {
  return project.client.connection?.teamName ?? project.client.cloud;
}

export const shareCommand: CommandSpec = {
  group: "teams",
  name: "share",
  description: "Share a table of this project with the team (members' next sync creates it)",
  usage: "teams share --table <name> [--team <name>] [--config <path>]",
  options: [teamOption, tableOption, configOption],
  examples: ["  $ lattice teams share --team Atlas --table tasks"],
  async run(options, context) {
    requireOptions(options, ["table"], context.commandLine);
    const result = await withSync(options, context, (p) => p.share(options.table as string).then((r) => ({ r, team: teamName(p) })));
    context.out(context.json ? JSON.stringify(result.r) + "\n" : shareLine(result.r, result.team) + "\n");
  },
};

export const linkCommand: CommandSpec = {
  group: "teams",
  name: "link",
  description: "Make rows team-visible (you own them) and push them",
  usage: "teams link --table <name> (--pk <key>… | --where <expr>…) [--team <name>]",
  options: [teamOption, tableOption, pkOption, whereOption, configOption],
  examples: ["  $ lattice teams link --team Atlas --table tasks --pk task-001", "  $ lattice teams link --table tasks --where status=todo"],
  async run(options, context) {
    requireOptions(options, ["table"], context.commandLine);
    const report: LinkReport = await withSync(options, context, async (p) => p.link(options.table as string, await keysFor(p, options.table as string, options)));
    if (context.json) return context.out(JSON.stringify(report) + "\n");
    const lines: string[] = [];
    lines.push(report.linked.length ? `Linked ${plural(report.linked.length, "row")} of ${report.table} (${keyList(report.linked)}).` : `No rows linked.`);
    for (const a of report.alreadyLinked) lines.push(`already linked: ${report.table} ${a.pk} (owner: ${a.owner})`);
    if (report.missing.length) lines.push(`no such row in ${report.table}: ${keyList(report.missing)}`);
    if (report.linked.length) lines.push(...pushLines(report.push));
    context.out(lines.join("\n") + "\n");
    const othersRows = report.alreadyLinked.some((a) => a.owner !== "you");
    if (report.missing.length || othersRows || report.push.refused.length || report.push.stale.length) process.exitCode = 1;
  },
};

export const unlinkCommand: CommandSpec = {
  group: "teams",
  name: "unlink",
  description: "Take rows you own out of the team (they stay in your project); receivers drop them",
  usage: "teams unlink --table <name> (--pk <key>… | --where <expr>…) [--team <name>]",
  options: [teamOption, tableOption, pkOption, whereOption, configOption],
  examples: ["  $ lattice teams unlink --team Atlas --table tasks --pk task-001"],
  async run(options, context) {
    requireOptions(options, ["table"], context.commandLine);
    const report: UnlinkReport = await withSync(options, context, async (p) => p.unlink(options.table as string, await keysFor(p, options.table as string, options)));
    if (context.json) return context.out(JSON.stringify(report) + "\n");
    const lines = [report.unlinked.length ? `Unlinked ${plural(report.unlinked.length, "row")} of ${report.table} (${keyList(report.unlinked)}).` : "No rows unlinked."];
    if (report.notLinked.length) lines.push(`not linked: ${keyList(report.notLinked)}`);
    if (report.unlinked.length) lines.push(...pushLines(report.push));
    context.out(lines.join("\n") + "\n");
    if (report.push.refused.length || report.push.stale.length) process.exitCode = 1;
  },
};

export const pushCommand: CommandSpec = {
  group: "teams",
  name: "push",
  description: "Send your local changes of linked rows to the team",
  usage: "teams push [--team <name>] [--config <path>]",
  options: [teamOption, configOption],
  examples: ["  $ lattice teams push --team Atlas"],
  async run(options, context) {
    const report = await withSync(options, context, (p) => p.push());
    context.out(context.json ? JSON.stringify(report) + "\n" : pushLines(report).join("\n") + "\n");
    if (report.refused.length || report.stale.length) process.exitCode = 1;
  },
};

export const pullCommand: CommandSpec = {
  group: "teams",
  name: "pull",
  description: "Apply the team's changes since your last pull",
  usage: "teams pull [--team <name>] [--config <path>]",
  options: [teamOption, configOption],
  examples: ["  $ lattice teams pull --team Atlas"],
  async run(options, context) {
    const report = await withSync(options, context, (p) => p.pull());
    context.out(context.json ? JSON.stringify(report) + "\n" : pullLines(report).join("\n") + "\n");
  },
};

export const syncCommand: CommandSpec = {
  group: "teams",
  name: "sync",
  description: "Share new columns, push your changes, then pull the team's: one command",
  usage: "teams sync [--team <name>] [--config <path>]",
  options: [teamOption, configOption],
  examples: ["  $ lattice teams sync --team Atlas"],
  async run(options, context) {
    const result = await withSync(options, context, async (p) => ({ ...(await p.sync()), team: teamName(p) }));
    if (context.json) return context.out(JSON.stringify({ shared: result.shared, push: result.push, pull: result.pull }) + "\n");
    const lines = [...result.shared.map((s) => shareLine(s, result.team)), ...pushLines(result.push), ...pullLines(result.pull)];
    context.out(lines.join("\n") + "\n");
    if (result.push.refused.length || result.push.stale.length) process.exitCode = 1;
  },
};

export const syncCommands = [shareCommand, linkCommand, unlinkCommand, pushCommand, pullCommand, syncCommand];
