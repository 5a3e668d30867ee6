"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { FormError, FormField, SelectField, primaryButton } from "../../_components/form-field";
import { formatDateTime } from "../../_components/format-date";
import { SecretPanel } from "../../_components/secret-panel";
import { CopyButton } from "../../_components/copy-button";
import { joinCommand, joinLink } from "./join-command";

const ROLES = [
  { value: "member", label: "Member" },
  { value: "admin", label: "Admin" },
] as const;

const EXPIRIES = [
  { value: "1d", label: "1 day" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
] as const;

interface CreatedInvitation {
  inviteeEmail: string;
  role: string;
  expiresAt: Date;
  token: string;
  joinCommand: string;
  joinLink: string;
}

export function InviteForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const invite = useMutation(
    trpc.teams.invite.mutationOptions({
      onSuccess(result) {
        // The secret lives only in this component's state: a reload drops it for good.
        const origin = window.location.origin;
        setCreated({
          ...result,
          joinCommand: joinCommand({ origin, token: result.token, email: result.inviteeEmail }),
          joinLink: joinLink({ origin, token: result.token }),
        });
        form.current?.reset();
        startRefresh(() => router.refresh());
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    invite.mutate({
      inviteeEmail: String(data.get("email") ?? ""),
      role: data.get("role") === "admin" ? "admin" : "member",
      expiresIn: String(data.get("expiresIn") ?? "7d"),
    });
  }

  const pending = invite.isPending || refreshing;
  return (
    <div className="space-y-5 px-6 py-5">
      <form ref={form} onSubmit={onSubmit} aria-label="Invite by email" className="grid items-end gap-3 sm:grid-cols-[minmax(0,1fr)_9rem_9rem_auto]">
        <FormField label="Email" name="email" type="email" required maxLength={254} placeholder="bob@example.com" autoComplete="off" />
        <SelectField label="Role" name="role" options={ROLES} defaultValue="member" />
        <SelectField label="Expires in" name="expiresIn" options={EXPIRIES} defaultValue="7d" />
        <button type="submit" className={`${primaryButton} h-9.5 sm:w-auto`} disabled={pending}>
          {invite.isPending ? "Inviting…" : "Send invite"}
        </button>
        <div className="sm:col-span-4 empty:hidden">
          <FormError message={invite.error?.message ?? null} />
        </div>
      </form>
      {created ? <InvitationToken invitation={created} onDismiss={() => setCreated(null)} /> : null}
    </div>
  );
}

function InvitationToken({ invitation, onDismiss }: { invitation: CreatedInvitation; onDismiss: () => void }) {
  return (
    <div className="space-y-3">
      <SecretPanel
        testId="invitation-token"
        title={`Invitation for ${invitation.inviteeEmail} (${invitation.role})`}
        description={`Share this token with the invitee (one-time use). It is shown only now; it expires ${formatDateTime(invitation.expiresAt)}.`}
        secret={invitation.token}
        example={{
          caption: "They join from their machine with (put their name in --name, or leave it out: it defaults to their saved identity, else the part of the email before @):",
          text: invitation.joinCommand,
        }}
        onDismiss={onDismiss}
      />
      <div className="rounded-lg border border-amber-300 bg-amber-50 p-4">
        <p className="text-xs text-amber-800">Or in the browser: they open this link, then choose a name and password and are signed in.</p>
        <div className="mt-1 flex items-start gap-2">
          <code data-testid="invitation-link" className="min-w-0 flex-1 rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-xs break-all text-zinc-900 select-all">
            {invitation.joinLink}
          </code>
          <CopyButton text={invitation.joinLink} label="Copy link" />
        </div>
      </div>
    </div>
  );
}
