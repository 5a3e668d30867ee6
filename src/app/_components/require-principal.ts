import { redirect } from "next/navigation";
import { sessionPrincipal } from "@/server/auth/next-auth";

/** Called by every dashboard page itself (never only by the layout, which a request can skip). */
export async function requirePrincipal() {
  const principal = await sessionPrincipal();
  if (!principal) redirect("/signin");
  return principal;
}
