import type { PrismaClient } from "../../db.ts";
import { AppError, isUniqueViolation } from "../../errors.ts";
import { hashPassword } from "../../auth/password.ts";
import { mintToken } from "../../auth/tokens.ts";
import { registerTeamInput, type RegisterTeamInput, type RegisterTeamResult } from "./schemas.ts";

/**
 * Creates the bootstrap user (scope `*`), the team, the owner membership and a bearer token in
 * one transaction: either all four exist afterwards or none does.
 */
export async function registerTeam(prisma: PrismaClient, raw: RegisterTeamInput): Promise<RegisterTeamResult> {
  const input = registerTeamInput.parse(raw);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const token = mintToken("api");
  try {
    return await prisma.$transaction(async (tx) => {
      const existing = await tx.team.findFirst({ select: { name: true } });
      if (existing) throw alreadyRegistered(existing.name);
      const user = await tx.user.create({
        data: { email: input.email, displayName: input.name, passwordHash, scopes: ["*"] },
      });
      const team = await tx.team.create({ data: { name: input.teamName } });
      await tx.membership.create({ data: { teamId: team.id, userId: user.id, role: "owner" } });
      await tx.apiToken.create({
        data: { userId: user.id, label: "bootstrap", tokenHash: token.hash, prefix: token.displayPrefix, scopes: ["*"] },
      });
      return {
        user: { id: user.id, email: user.email, displayName: user.displayName },
        team: { id: team.id, name: team.name },
        token: token.secret,
        tokenPrefix: token.displayPrefix,
      };
    });
  } catch (error) {
    // Two registrations racing: the database's one-team constraint decides the loser.
    if (isUniqueViolation(error)) {
      const team = await prisma.team.findFirst({ select: { name: true } });
      throw alreadyRegistered(team?.name ?? "?");
    }
    throw error;
  }
}

function alreadyRegistered(teamName: string): AppError {
  return new AppError(
    "CONFLICT",
    `This server already has a team ("${teamName}"): one team per database. Ask a member for an invitation and use \`lattice teams join\`.`,
  );
}
