import { requireOptions, UsageError, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { cloudOption } from "./shared.ts";

export const connectCommand: CommandSpec = {
  group: "teams",
  name: "connect",
  description: "Save an API token (lat_…) made with account tokens create or the dashboard, e.g. on a second machine",
  usage: "teams connect --cloud <url> [--token <lat_…>] (or the token on stdin)",
  options: [
    { flag: "--cloud <url>", description: "The team server's URL" },
    { flag: "--token <token>", description: "The API token (lat_…); read from stdin when omitted, which keeps it out of shell history" },
  ],
  examples: ["  $ lattice teams connect --cloud https://lattice.example.com < token.txt", "  $ lattice teams connect --cloud http://localhost:4317 --token lat_Ab3dE9..."],
  run: connect,
};

async function connect(options: ParsedOptions, context: CommandContext): Promise<void> {
  requireOptions(options, ["cloud"], context.commandLine);
  const cloud = await cloudOption(options.cloud);
  let token = typeof options.token === "string" ? options.token.trim() : "";
  if (!token && !process.stdin.isTTY) {
    for await (const chunk of process.stdin) token += chunk;
    token = token.split(/\r?\n/, 1)[0]!.trim();
  }
  if (!token.startsWith("lat_")) throw new UsageError("give an API token (lat_…) with --token or on stdin; an invitation (latinv_…) goes to lattice teams join");
  const { TeamsClient } = await import("../../../lattice/teams/client.ts");
  const client = await TeamsClient.connectToExistingCloud(cloud, token);
  const saved = client.connection!;
  if (context.json) context.out(JSON.stringify({ label: saved.label, cloud: saved.cloud, teamId: saved.teamId, teamName: saved.teamName, email: saved.email, tokenFile: saved.tokenFile }) + "\n");
  else context.out(`Connected to team ${JSON.stringify(saved.teamName)} at ${saved.cloud} as ${saved.email}; token saved in ${saved.tokenFile}.\n`);
}
