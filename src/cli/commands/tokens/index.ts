import { requireOptions, UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { formatDate, formatTable } from "../../output.ts";
import { teamOption } from "../teams/shared.ts";
import { operatorClient, parseDuration, parseSurface, quoteList } from "../storage/shared.ts";

const ACCESS = ["read", "write", "admin"] as const;
type Access = (typeof ACCESS)[number];

function parseAccess(value: unknown): Access {
  if (ACCESS.includes(value as Access)) return value as Access;
  throw new UsageError("--access must be read, write or admin");
}

function describeBuckets(surface: string, buckets: readonly string[]): string {
  if (buckets.includes("*")) return `every ${surface} bucket`;
  return `${buckets.length === 1 ? "bucket" : "buckets"} ${quoteList(buckets)}`;
}

const createCommand: CommandSpec = {
  group: "tokens",
  name: "create",
  description: "Create a storage token (lst_…) for CI or a client: one surface, one access level, some buckets",
  usage: "tokens create --surface kv|static --access read|write|admin --buckets <a,b | *> [--label <text>] [--expires <duration>]",
  options: [
    teamOption,
    { flag: "--surface <surface>", description: "kv or static (required)" },
    { flag: "--access <access>", description: "read, write or admin (required)" },
    { flag: "--buckets <names>", description: "Comma-separated bucket names, or * for every bucket of the surface (required)" },
    { flag: "--label <text>", description: "What the token is for (default: \"<surface> <access>\")" },
    { flag: "--expires <duration>", description: "Expire after 3600, 90s, 30m, 12h or 7d (default: never)" },
  ],
  examples: ["  $ lattice tokens create --surface static --access write --buckets site --label \"CI deploy\"", "  $ lattice tokens create --surface kv --access read --buckets '*' --expires 30d"],
  async run(options: ParsedOptions, context: CommandContext) {
    requireOptions(options, ["surface", "access", "buckets"], context.commandLine);
    const surface = parseSurface(options.surface);
    const access = parseAccess(options.access);
    const buckets = (options.buckets as string).split(",").map((b) => b.trim()).filter(Boolean);
    if (buckets.length === 0) throw new UsageError("--buckets must name at least one bucket, or *");
    const expiresIn = options.expires === undefined ? undefined : parseDuration(options.expires as string, "--expires");
    const label = options.label as string | undefined;
    const token = await (await operatorClient(options)).createToken({ surface, access, buckets, ...(label ? { label } : {}), ...(expiresIn ? { expiresIn } : {}) });
    if (context.json) {
      context.out(JSON.stringify(token) + "\n");
      return;
    }
    const expires = token.expiresAt ? ` (expires ${formatDate(token.expiresAt)})` : "";
    context.out(
      [
        `Created storage token ${token.prefix} ${JSON.stringify(token.label)}: ${token.surface} ${token.access} access to ${describeBuckets(token.surface, token.buckets)}${expires}.`,
        "Storage token (shown ONCE — save it now):",
        token.token,
      ].join("\n") + "\n",
    );
  },
};

const listCommand: CommandSpec = {
  group: "tokens",
  name: "list",
  description: "List storage tokens: prefix, access, buckets, created, created by, last used, status",
  usage: "tokens list [--surface kv|static] [--all] [--team <name>] [--json]",
  options: [
    teamOption,
    { flag: "--surface <surface>", description: "Only kv or only static tokens" },
    { flag: "--all", description: "Include revoked and expired tokens" },
  ],
  examples: ["  $ lattice tokens list", "  $ lattice tokens list --surface static --all"],
  async run(options: ParsedOptions, context: CommandContext) {
    const surface = options.surface === undefined ? undefined : parseSurface(options.surface);
    const tokens = await (await operatorClient(options)).listTokens({ surface, all: options.all === true });
    if (context.json) context.out(JSON.stringify(tokens) + "\n");
    else if (tokens.length === 0) context.out(options.all ? "No storage tokens.\n" : "No active storage tokens.\n");
    else {
      const rows = tokens.map((t) => [
        t.prefix,
        t.label,
        `${t.surface} ${t.access}`,
        t.buckets.join(","),
        formatDate(t.createdAt),
        t.createdBy ?? "removed member",
        formatDate(t.lastUsedAt),
        t.status === "active" && t.expiresAt ? `active until ${formatDate(t.expiresAt)}` : t.status,
      ]);
      context.out(formatTable(["PREFIX", "LABEL", "ACCESS", "BUCKETS", "CREATED", "CREATED BY", "LAST USED", "STATUS"], rows));
    }
  },
};

const revokeCommand: CommandSpec = {
  group: "tokens",
  name: "revoke",
  description: "Revoke a storage token by the prefix tokens list shows, or by id; it stops working at once",
  usage: "tokens revoke <prefix | id> [--team <name>]",
  options: [teamOption],
  args: [{ name: "token" }],
  examples: ["  $ lattice tokens revoke lst_Ab3dE9"],
  async run(options: ParsedOptions, context: CommandContext) {
    const token = await (await operatorClient(options)).revokeToken(options.token as string);
    if (context.json) context.out(JSON.stringify(token) + "\n");
    else context.out(`Revoked storage token ${token.prefix} ${JSON.stringify(token.label)}.\n`);
  },
};

export const tokensCommands = [createCommand, listCommand, revokeCommand];
