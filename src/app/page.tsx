import { redirect } from "next/navigation";
import { serverCaller } from "@/trpc/server";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { AuthShell } from "./_components/auth-shell";
import { FirstRunForm } from "./_components/first-run-form";

export const dynamic = "force-dynamic";

export default async function Home() {
  const { hasTeam } = await (await serverCaller()).system.health();
  if (hasTeam) redirect((await sessionPrincipal()) ? "/team" : "/signin");
  return (
    <AuthShell title="Set up Lattice" description="This server has no team yet. Create it and become its owner; invite the others later.">
      <FirstRunForm />
    </AuthShell>
  );
}
