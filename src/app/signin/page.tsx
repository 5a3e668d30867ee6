import { redirect } from "next/navigation";
import { serverCaller } from "@/trpc/server";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { AuthShell } from "../_components/auth-shell";
import { SignInForm } from "./signin-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { hasTeam } = await (await serverCaller()).system.health();
  if (!hasTeam) redirect("/");
  const { callbackUrl } = await searchParams;
  const next = localPath(typeof callbackUrl === "string" ? callbackUrl : undefined);
  if (await sessionPrincipal()) redirect(next);
  return (
    <AuthShell title="Sign in" description="Sign in to your team's Lattice dashboard.">
      <SignInForm next={next} />
      <p className="mt-6 text-xs text-zinc-500">
        Joined or registered from the CLI without a password? Set one with{" "}
        <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-700">lattice account password</code>.
      </p>
    </AuthShell>
  );
}

// next-auth passes an absolute callbackUrl; only ever follow it to a path on this server.
function localPath(callbackUrl: string | undefined): string {
  if (!callbackUrl) return "/team";
  try {
    const url = new URL(callbackUrl, "http://lattice.invalid");
    const path = url.pathname + url.search;
    return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/signin") && path !== "/" ? path : "/team";
  } catch {
    return "/team";
  }
}
