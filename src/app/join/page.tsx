import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { serverCaller } from "@/trpc/server";
import { AuthShell } from "../_components/auth-shell";
import { JoinForm } from "./join-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Join · Lattice" };

// The invitation token is in the URL fragment (#token=latinv_…), which the browser never sends:
// the form reads it on the client and posts it to the join API.
export default async function JoinPage() {
  const { hasTeam } = await (await serverCaller()).system.health();
  if (!hasTeam) redirect("/");
  return (
    <AuthShell title="Join the team" description="You were invited to this Lattice server. Use the email address the invitation was sent to.">
      <JoinForm />
    </AuthShell>
  );
}
