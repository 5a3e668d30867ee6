import type { Metadata } from "next";
import { TRPCError } from "@trpc/server";
import { serverCaller } from "@/trpc/server";
import { requirePrincipal } from "../../_components/require-principal";
import { Badge, Card, PageHeader } from "../../_components/page-header";
import { formatDate, formatDateTime } from "../../_components/format-date";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Team · Lattice" };

export default async function TeamPage() {
  const principal = await requirePrincipal();
  let overview;
  try {
    overview = await (await serverCaller()).teams.overview();
  } catch (error) {
    if (error instanceof TRPCError && error.code === "FORBIDDEN") {
      return (
        <>
          <PageHeader title="Team" />
          <Card className="p-6 text-sm text-zinc-600">{error.message}</Card>
        </>
      );
    }
    throw error;
  }
  const { team, members } = overview;

  return (
    <>
      <PageHeader title="Team" description="Everyone who shares this server's memory." />
      <Card className="mb-6 p-6">
        <div className="flex flex-wrap items-center justify-between gap-4">
          <div>
            <p className="text-xs font-medium tracking-wide text-zinc-400 uppercase">Team</p>
            <h2 className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900" data-testid="team-name">{team.name}</h2>
          </div>
          <dl className="flex gap-10 text-sm">
            <div>
              <dt className="text-zinc-500">Created</dt>
              <dd className="mt-0.5 font-medium text-zinc-900">{formatDate(team.createdAt)}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Members</dt>
              <dd className="mt-0.5 font-medium text-zinc-900">{members.length}</dd>
            </div>
          </dl>
        </div>
      </Card>

      <Card>
        <div className="border-b border-zinc-200 px-6 py-4">
          <h2 className="text-sm font-semibold text-zinc-900">Members</h2>
        </div>
        <table className="w-full text-left text-sm">
          <thead className="bg-zinc-50 text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-6 py-2.5 font-medium">Name</th>
              <th scope="col" className="px-6 py-2.5 font-medium">Email</th>
              <th scope="col" className="px-6 py-2.5 font-medium">Role</th>
              <th scope="col" className="px-6 py-2.5 font-medium">Joined</th>
              <th scope="col" className="px-6 py-2.5 font-medium">Last seen</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {members.map((member) => (
              <tr key={member.userId}>
                <td className="px-6 py-3 font-medium text-zinc-900">
                  {member.displayName}
                  {member.userId === principal.userId ? <span className="ml-2 text-xs font-normal text-zinc-400">(you)</span> : null}
                </td>
                <td className="px-6 py-3 text-zinc-600">{member.email}</td>
                <td className="px-6 py-3">
                  <Badge tone={member.role === "owner" ? "emerald" : "zinc"}>{member.role}</Badge>
                </td>
                <td className="px-6 py-3 text-zinc-600">{formatDate(member.joinedAt)}</td>
                <td className="px-6 py-3 text-zinc-600">{formatDateTime(member.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
