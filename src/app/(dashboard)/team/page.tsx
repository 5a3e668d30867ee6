import { DataTable } from "../../_components/data-table";
import type { Metadata } from "next";
import { TRPCError } from "@trpc/server";
import { serverCaller } from "@/trpc/server";
import { hasScope } from "@/server/auth/scopes";
import { requirePrincipal } from "../../_components/require-principal";
import { Badge, Card, PageHeader } from "../../_components/page-header";
import { formatDate, formatDateTime } from "../../_components/format-date";
import { InviteForm } from "./invite-form";
import { RemoveMemberButton, RevokeInvitationButton, RoleSelect } from "./member-controls";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Team · Lattice" };

const td = "px-6 py-3";

export default async function TeamPage() {
  const principal = await requirePrincipal();
  const caller = await serverCaller();
  let overview;
  try {
    overview = await caller.teams.overview();
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
  // Only decides what to show: every mutation checks the scope and role again on the server.
  const canManage = hasScope(principal.scopes, "teams:admin");
  const myRole = members.find((member) => member.userId === principal.userId)?.role;
  const invitations = canManage ? await caller.teams.invitations() : [];

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
            {canManage ? (
              <div>
                <dt className="text-zinc-500">Pending invitations</dt>
                <dd className="mt-0.5 font-medium text-zinc-900">{invitations.length}</dd>
              </div>
            ) : null}
          </dl>
        </div>
      </Card>

      <Card className="mb-6">
        <SectionHeading title="Members" />
        <DataTable label="Members" columns={["Name", "Email", "Role", "Joined", "Last seen", ...(canManage ? [{ label: "Actions", hidden: true } as const] : [])]}>
            <tbody className="divide-y divide-zinc-100">
              {members.map((member) => {
                const isMe = member.userId === principal.userId;
                // Only an owner can change roles or remove another owner (the service's rules).
                const canRemove = canManage && !isMe && (member.role !== "owner" || myRole === "owner");
                return (
                  <tr key={member.userId}>
                    <td className={`${td} font-medium text-zinc-900`}>
                      {member.displayName}
                      {isMe ? <span className="ml-2 text-xs font-normal text-zinc-400">(you)</span> : null}
                    </td>
                    <td className={`${td} text-zinc-600`}>{member.email}</td>
                    <td className={td}>
                      {myRole === "owner" && !isMe && isRole(member.role) ? (
                        <RoleSelect email={member.email} role={member.role} />
                      ) : (
                        <Badge tone={member.role === "owner" ? "emerald" : "zinc"}>{member.role}</Badge>
                      )}
                    </td>
                    <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDate(member.joinedAt)}</td>
                    <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(member.lastSeenAt)}</td>
                    {canManage ? (
                      <td className={`${td} text-right`}>{canRemove ? <RemoveMemberButton email={member.email} name={member.displayName} /> : null}</td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
        </DataTable>
      </Card>

      {canManage ? (
        <>
          <Card className="mb-6">
            <SectionHeading title="Invite by email" description="The invitation is bound to this address; the invitee joins with the token you share." />
            <InviteForm />
          </Card>

          <Card>
            <SectionHeading title="Pending invitations" />
            {invitations.length === 0 ? (
              <p className="px-6 py-8 text-center text-sm text-zinc-500" data-testid="no-invitations">No pending invitations.</p>
            ) : (
              <DataTable label="Pending invitations" columns={["Invitee", "Role", "Token", "Invited by", "Expires", { label: "Actions", hidden: true }]}>
                  <tbody className="divide-y divide-zinc-100">
                    {invitations.map((invitation) => (
                      <tr key={invitation.id}>
                        <td className={`${td} font-medium text-zinc-900`}>{invitation.inviteeEmail}</td>
                        <td className={td}><Badge>{invitation.role}</Badge></td>
                        <td className={`${td} font-mono text-xs text-zinc-600`}>{invitation.prefix}…</td>
                        <td className={`${td} text-zinc-600`}>{invitation.invitedBy ?? "—"}</td>
                        <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(invitation.expiresAt)}</td>
                        <td className={`${td} text-right`}>
                          <RevokeInvitationButton id={invitation.id} inviteeEmail={invitation.inviteeEmail} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
              </DataTable>
            )}
          </Card>
        </>
      ) : null}
    </>
  );
}

function SectionHeading({ title, description }: { title: string; description?: string }) {
  return (
    <div className="border-b border-zinc-200 px-6 py-4">
      <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
      {description ? <p className="mt-0.5 text-xs text-zinc-500">{description}</p> : null}
    </div>
  );
}

function isRole(role: string): role is "owner" | "admin" | "member" {
  return role === "owner" || role === "admin" || role === "member";
}
