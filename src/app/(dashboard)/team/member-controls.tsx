"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ConfirmActions } from "../../_components/confirm-actions";
import { secondaryButton } from "../../_components/form-field";

// Manager-only controls in the team page's tables. The server checks the same rules again.

function useRefresh() {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  return [refreshing, () => startRefresh(() => router.refresh())] as const;
}

function InlineError({ message }: { message: string | undefined }) {
  return message ? (
    <p role="alert" className="mt-1 max-w-64 text-right text-xs text-red-700">
      {message}
    </p>
  ) : null;
}

export function RemoveMemberButton({ email, name }: { email: string; name: string }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const [refreshing, refresh] = useRefresh();
  const kick = useMutation(trpc.teams.kick.mutationOptions({ onSuccess: refresh }));
  const busy = kick.isPending || refreshing;

  return (
    <div className="flex flex-col items-end">
      {confirming ? (
        <div className="flex flex-col items-end gap-1.5">
          <span className="text-xs whitespace-nowrap text-zinc-600">Remove {name}?</span>
          <ConfirmActions
            busy={busy}
            confirmLabel="Yes, remove"
            busyLabel="Removing…"
            onConfirm={() => kick.mutate({ email })}
            onCancel={() => {
              kick.reset();
              setConfirming(false);
            }}
          />
        </div>
      ) : (
        <button type="button" className={secondaryButton} onClick={() => setConfirming(true)} aria-label={`Remove ${email}`}>
          Remove
        </button>
      )}
      <InlineError message={kick.error?.message} />
    </div>
  );
}

const ROLES = ["owner", "admin", "member"] as const;
type Role = (typeof ROLES)[number];

export function RoleSelect({ email, role }: { email: string; role: Role }) {
  const trpc = useTRPC();
  const [refreshing, refresh] = useRefresh();
  // Making someone an owner hands them the whole team (roles, destroy): it waits for a confirm.
  const [confirmingOwner, setConfirmingOwner] = useState(false);
  const setRole = useMutation(trpc.teams.setRole.mutationOptions({
      onSuccess() {
        setConfirmingOwner(false);
        refresh();
      },
    }));
  const busy = setRole.isPending || refreshing;
  const shown = confirmingOwner ? "owner" : busy && setRole.variables ? setRole.variables.role : role;
  return (
    <div>
      <select
        aria-label={`Role of ${email}`}
        // Shows the requested role while it is saved (or confirmed), and the server's again if that failed.
        value={shown}
        disabled={busy || confirmingOwner}
        onChange={(event) => {
          const next = event.target.value as Role;
          if (next === "owner") setConfirmingOwner(true);
          else setRole.mutate({ email, role: next });
        }}
        className="rounded-md border border-zinc-300 bg-white py-1 pr-7 pl-2 text-xs text-zinc-800 shadow-xs outline-none focus:border-emerald-600 focus:ring-2 focus:ring-emerald-600/20 disabled:opacity-60"
      >
        {ROLES.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
      {confirmingOwner ? (
        <div className="mt-1.5 flex flex-col items-start gap-1.5">
          <span className="max-w-56 text-xs text-zinc-600">Make {email} an owner? Owners can change roles and destroy the team.</span>
          <ConfirmActions
            busy={busy}
            confirmLabel="Yes, make owner"
            busyLabel="Saving…"
            onConfirm={() => setRole.mutate({ email, role: "owner" })}
            onCancel={() => {
              setRole.reset();
              setConfirmingOwner(false);
            }}
          />
        </div>
      ) : null}
      {setRole.error ? (
        <p role="alert" className="mt-1 max-w-56 text-xs text-red-700">
          {setRole.error.message}
        </p>
      ) : null}
    </div>
  );
}

export function RevokeInvitationButton({ id, inviteeEmail }: { id: string; inviteeEmail: string }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const [refreshing, refresh] = useRefresh();
  const revoke = useMutation(trpc.teams.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  const busy = revoke.isPending || refreshing;
  return (
    <div className="flex flex-col items-end">
      {confirming ? (
        <div className="flex flex-col items-end gap-1.5">
          <span className="text-xs whitespace-nowrap text-zinc-600">Revoke the invitation for {inviteeEmail}?</span>
          <ConfirmActions
            busy={busy}
            confirmLabel="Yes, revoke"
            busyLabel="Revoking…"
            onConfirm={() => revoke.mutate({ invitation: id })}
            onCancel={() => {
              revoke.reset();
              setConfirming(false);
            }}
          />
        </div>
      ) : (
        <button type="button" className={secondaryButton} onClick={() => setConfirming(true)} aria-label={`Revoke the invitation for ${inviteeEmail}`}>
          Revoke
        </button>
      )}
      <InlineError message={revoke.error?.message} />
    </div>
  );
}
