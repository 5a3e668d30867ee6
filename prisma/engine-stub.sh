#!/bin/sh
# Stand-in for Prisma's native schema engine, which `prisma generate` only locates (never runs).
echo "prisma schema engine stub: use npm run db:create-migration / db:migrate" >&2
exit 1
