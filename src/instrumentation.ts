// Runs once when the Next server starts (plain `next start` and the `npm start` entry alike):
// apply pending migrations before the first request. Under `npm start` they are already applied.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareAuthEnv } = await import("./server/env.ts");
  const { db } = await import("./server/db.ts");
  const { applyMigrations } = await import("./server/db/migrate.ts");
  prepareAuthEnv();
  await applyMigrations(db().sql);
}
