import { cache } from "react";
import { headers } from "next/headers";
import { createCaller } from "@/server/root";
import { createContext } from "@/server/trpc";
import { db } from "@/server/db";
import { sessionPrincipal } from "@/server/auth/next-auth";

/**
 * The tRPC router called in-process from server components: same procedures, scopes and
 * error mapping as the HTTP endpoint, without a network hop. One caller per request.
 */
export const serverCaller = cache(async () =>
  createCaller(createContext({ db: db(), headers: new Headers(await headers()), session: sessionPrincipal })),
);
