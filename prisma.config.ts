import { defineConfig } from "prisma/config";

// The URL is only needed by Prisma's own CLI on machines that have its native engine
// (`prisma migrate status`); Lattice applies migrations itself (scripts/db-migrate.mjs).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/lattice" },
});
