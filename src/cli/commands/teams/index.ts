import { connectCommand } from "./connect.ts";
import { destroyCommand } from "./destroy.ts";
import { forgetCommand } from "./forget.ts";
import { inviteCommand } from "./invite.ts";
import { invitationsCommand } from "./invitations.ts";
import { joinCommand } from "./join.ts";
import { kickCommand } from "./kick.ts";
import { leaveCommand } from "./leave.ts";
import { membersCommand } from "./members.ts";
import { registerCommand } from "./register.ts";
import { revokeInviteCommand } from "./revoke-invite.ts";
import { setRoleCommand } from "./set-role.ts";
import { statusCommand } from "./status.ts";
import { syncCommands } from "./sync.ts";

export const teamsCommands = [
  registerCommand,
  joinCommand,
  connectCommand,
  inviteCommand,
  membersCommand,
  invitationsCommand,
  revokeInviteCommand,
  setRoleCommand,
  kickCommand,
  leaveCommand,
  forgetCommand,
  destroyCommand,
  statusCommand,
  ...syncCommands,
];
