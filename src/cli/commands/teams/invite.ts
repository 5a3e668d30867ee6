import { requireOptions, type CommandContext, type CommandSpec, type ParsedOptions } from "../../command-spec.ts";
import { savedClient, teamOption } from "./shared.ts";

export const inviteCommand: CommandSpec = {
  group: "teams",
  name: "invite",
  description: "Invite someone by email: prints a one-time token bound to that address",
  usage: "teams invite --invitee-email <email> [--team <name>] [--role member|admin] [--expires 90s|30m|12h|7d]",
  options: [
    teamOption,
    { flag: "--invitee-email <email>", description: "Who may redeem the invitation (checked on join)" },
    { flag: "--role <role>", description: "member (default) or admin" },
    { flag: "--expires <duration>", description: "How long the token stays valid: 90s, 30m, 12h, 7d (default 7d)" },
  ],
  examples: ["  $ lattice teams invite --team Atlas --invitee-email bob@example.com", "  $ lattice teams invite --invitee-email carol@example.com --role admin --expires 12h"],
  run: invite,
};

async function invite(options: ParsedOptions, context: CommandContext): Promise<void> {
  requireOptions(options, ["inviteeEmail"], context.commandLine);
  const client = await savedClient(options);
  const invitation = await client.invite({
    inviteeEmail: options.inviteeEmail as string,
    role: options.role as "member" | "admin" | undefined,
    expiresIn: options.expires as string | undefined,
  });
  if (context.json) {
    context.out(JSON.stringify(invitation) + "\n");
    return;
  }
  context.out(
    [
      `Invitation generated for ${invitation.inviteeEmail} (expires ${invitation.expiresAt.toISOString()}).`,
      "Share this token with the invitee (one-time use):",
      invitation.token,
      // The fragment never reaches a server or its logs; the join page reads it in the browser.
      `Or they join in a browser: ${client.cloud}/join#token=${invitation.token}`,
    ].join("\n") + "\n",
  );
}
