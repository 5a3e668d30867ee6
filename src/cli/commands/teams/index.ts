import { registerCommand } from "./register.ts";
import { statusCommand } from "./status.ts";

export const teamsCommands = [registerCommand, statusCommand];
