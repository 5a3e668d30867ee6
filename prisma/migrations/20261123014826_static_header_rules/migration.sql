-- AlterTable
ALTER TABLE "static_deploys" ADD COLUMN     "header_rules" JSONB;
