import crypto from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db.ts";
import { authSecret } from "../env.ts";
import { verifyPassword } from "./password.ts";
import { principalFromUserId, type Principal } from "./principal.ts";
import { endSession } from "../services/account/sessions.ts";

const credentials = z.object({ email: z.string().trim().toLowerCase().max(254), password: z.string().min(1).max(200) });

export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

let options: NextAuthOptions | undefined;

// Built on first use so the secret (generated into the data dir when not configured) is read at
// run time, not at build time.
export function authOptions(): NextAuthOptions {
  options ??= {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        // Throttled in src/app/api/auth/[...nextauth]/route.ts, before this runs.
        async authorize(raw) {
          const parsed = credentials.safeParse(raw);
          if (!parsed.success) return null;
          const user = await db().prisma.user.findUnique({ where: { email: parsed.data.email } });
          const ok = await verifyPassword(parsed.data.password, user?.passwordHash);
          if (!user || !ok) return null;
          return { id: user.id, email: user.email, name: user.displayName, generation: user.sessionGeneration };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        // At sign-in: a session id (so a sign-out can end just this session) and the user's
        // session generation (so a password change or "sign out everywhere" ends all of them).
        if (user) {
          token.sub = user.id;
          token.sid = crypto.randomUUID();
          token.generation = (user as { generation?: number }).generation ?? 0;
          // next-auth rolls the cookie's expiry on use; this does not move, so a session lives at
          // most SESSION_MAX_AGE_S however often it is used (and an ended one's record can expire then).
          token.signedInAt = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) {
          Object.assign(session.user, { id: token.sub, sid: token.sid, generation: token.generation, signedInAt: token.signedInAt });
        }
        return session;
      },
    },
    events: {
      // Awaited by next-auth before it clears the cookie: a copy of it stops working too.
      async signOut({ token }) {
        if (token?.sub && typeof token.sid === "string") await endSession(db().prisma, token.sub, token.sid, SESSION_MAX_AGE_S);
      },
    },
  };
  return options;
}

/** The signed-in dashboard user, or null. Checked in every page and procedure, never only in a layout. */
export async function sessionPrincipal(): Promise<Principal | null> {
  const session = await getServerSession(authOptions());
  const user = session?.user as { id?: string; sid?: unknown; generation?: unknown; signedInAt?: unknown } | undefined;
  if (!user?.id) return null;
  if (typeof user.signedInAt !== "number" || Date.now() - user.signedInAt > SESSION_MAX_AGE_S * 1000) return null;
  return principalFromUserId(db().prisma, user.id, { sid: user.sid, generation: user.generation });
}
