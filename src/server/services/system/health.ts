import { z } from "zod";
import type { Database } from "../../db.ts";
import { findTeam } from "../teams/team-overview.ts";
import { LATTICE_VERSION } from "../../version.ts";

export const healthOutput = z.object({
  ok: z.boolean(),
  service: z.literal("lattice"),
  version: z.string(),
  db: z.enum(["pglite", "postgres"]),
  hasTeam: z.boolean(),
});

/** What `probeCloud` and load balancers read: is this a Lattice server, is its database up, has it a team. */
export async function health(database: Database): Promise<z.infer<typeof healthOutput>> {
  const team = await findTeam(database.prisma);
  return { ok: true, service: "lattice", version: LATTICE_VERSION, db: database.kind, hasTeam: team !== null };
}
