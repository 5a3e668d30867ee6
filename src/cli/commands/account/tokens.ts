import { requireOptions, UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { savedClient, teamOption } from "../teams/shared.ts";
import { parseDuration } from "../storage/shared.ts";

// Operator tokens (lat_) live under `account`: `lattice tokens` is the storage tokens (lst_) group.

const describeScopes = (scopes: readonly string[]) => (scopes.includes("*") ? "all scopes" : scopes.join(" "));

const createCommand: CommandSpec = {
  group: "account",
  name: "tokens create",
  description: "Create an API token (lat_…) for a script or a second machine; its scopes are at most your own",
  usage: "account tokens create --label <text> [--scopes <a,b>] [--expires <duration>] [--team <name>]",
  options: [
    teamOption,
    { flag: "--label <text>", description: "What the token is for (required)" },
    { flag: "--scopes <list>", description: "Comma-separated scopes, e.g. kv:read,teams:read (default: your own)" },
    { flag: "--expires <duration>", description: "Expire after 3600, 90s, 30m, 12h or 7d, at most 3650d (default: never)" },
  ],
  examples: ['  $ lattice account tokens create --label "laptop"', '  $ lattice account tokens create --label "CI reads config" --scopes kv:read --expires 90d'],
  async run(options: ParsedOptions, context: CommandContext) {
    requireOptions(options, ["label"], context.commandLine);
    const scopes = options.scopes === undefined ? undefined : (options.scopes as string).split(",").map((s) => s.trim()).filter(Boolean);
    if (scopes && scopes.length === 0) throw new UsageError("--scopes must name at least one scope");
    const expiresIn = options.expires === undefined ? undefined : parseDuration(options.expires as string, "--expires");
    const token = await (await savedClient(options)).createApiToken({ label: options.label as string, scopes, expiresIn });
    if (context.json) {
      context.out(JSON.stringify(token) + "\n");
      return;
    }
    const expires = token.expiresAt ? ` (expires ${formatDate(token.expiresAt)})` : "";
    context.out(
      [
        `Created API token ${token.prefix} ${JSON.stringify(token.label)}: ${describeScopes(token.scopes)}${expires}.`,
        "API token (shown ONCE — save it now):",
        token.token,
      ].join("\n") + "\n",
    );
  },
};

const listCommand: CommandSpec = {
  group: "account",
  name: "tokens list",
  description: "List your API tokens: prefix, label, scopes, created, last used, status",
  usage: "account tokens list [--all] [--team <name>] [--json]",
  options: [teamOption, { flag: "--all", description: "Every member's tokens (owners and admins)" }],
  examples: ["  $ lattice account tokens list", "  $ lattice account tokens list --all"],
  async run(options: ParsedOptions, context: CommandContext) {
    const all = options.all === true;
    const tokens = await (await savedClient(options)).listApiTokens({ all });
    if (context.json) context.out(JSON.stringify(tokens) + "\n");
    else if (tokens.length === 0) context.out("No API tokens.\n");
    else {
      const rows = tokens.map((t) => [
        t.prefix,
        t.label,
        ...(all ? [t.owner] : []),
        describeScopes(t.scopes),
        formatDate(t.createdAt),
        formatDate(t.lastUsedAt),
        t.status === "active" && t.expiresAt ? `active until ${formatDate(t.expiresAt)}` : t.status,
      ]);
      context.out(formatTable(["PREFIX", "LABEL", ...(all ? ["OWNER"] : []), "SCOPES", "CREATED", "LAST USED", "STATUS"], rows));
    }
  },
};

const revokeCommand: CommandSpec = {
  group: "account",
  name: "tokens revoke",
  description: "Revoke an API token by the prefix tokens list shows, or by id; it stops working at once",
  usage: "account tokens revoke <prefix | id> [--all] [--team <name>]",
  options: [teamOption, { flag: "--all", description: "Look the prefix up among every member's tokens (owners and admins)" }],
  args: [{ name: "token" }],
  examples: ["  $ lattice account tokens revoke lat_Ab3dE9", "  $ lattice account tokens revoke lat_Xy12Zq --all"],
  async run(options: ParsedOptions, context: CommandContext) {
    const token = await (await savedClient(options)).revokeApiToken(options.token as string, { all: options.all === true });
    if (context.json) context.out(JSON.stringify(token) + "\n");
    else context.out(`Revoked API token ${token.prefix} ${JSON.stringify(token.label)}.\n`);
  },
};

export const accountTokensCommands = [createCommand, listCommand, revokeCommand];
