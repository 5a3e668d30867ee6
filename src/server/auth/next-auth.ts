import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db.ts";
import { authSecret } from "../env.ts";
import { verifyPassword } from "./password.ts";
import { principalFromUserId, type Principal } from "./principal.ts";

const credentials = z.object({ email: z.string().trim().toLowerCase().max(254), password: z.string().min(1).max(200) });

let options: NextAuthOptions | undefined;

// Built on first use so the secret (generated into the data dir when not configured) is read at
// run time, not at build time.
export function authOptions(): NextAuthOptions {
  options ??= {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw) {
          const parsed = credentials.safeParse(raw);
          if (!parsed.success) return null;
          const user = await db().prisma.user.findUnique({ where: { email: parsed.data.email } });
          const ok = await verifyPassword(parsed.data.password, user?.passwordHash);
          if (!user || !ok) return null;
          return { id: user.id, email: user.email, name: user.displayName };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
  return options;
}

/** The signed-in dashboard user, or null. Checked in every page and procedure, never only in a layout. */
export async function sessionPrincipal(): Promise<Principal | null> {
  const session = await getServerSession(authOptions());
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return null;
  return principalFromUserId(db().prisma, userId);
}
