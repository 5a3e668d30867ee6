"use client";

import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPCClient } from "@/trpc/react";
import { formatDateTime } from "../../../_components/format-date";
import { SecretPanel } from "../../../_components/secret-panel";
import { ConfirmedAction, InlineError, errorMessage, smallInput, smallPrimaryButton, useRefresh } from "../../platform/_components/ui";

// The server checks again that every scope is among the caller's own; the checkboxes only spare a 403.

const EXPIRIES = [
  { value: "", label: "Never" },
  { value: String(30 * 86_400), label: "30 days" },
  { value: String(90 * 86_400), label: "90 days" },
  { value: String(365 * 86_400), label: "1 year" },
];

interface CreatedApiToken {
  label: string;
  scopes: string[];
  expiresAt: Date | null;
  token: string;
}

/** `grantable`: the scopes the caller holds, so may give ("*" first when they hold it). */
export function CreateApiTokenForm({ grantable }: { grantable: string[] }) {
  const client = useTRPCClient();
  const [refreshing, refresh] = useRefresh();
  const [label, setLabel] = useState("");
  const [scopes, setScopes] = useState<string[]>(grantable);
  const [expiresIn, setExpiresIn] = useState("");
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const chosen = scopes.includes("*") ? ["*"] : scopes;
  const create = useMutation({
    mutationFn: () => client.tokens.create.mutate({ label, scopes: chosen, expiresIn: expiresIn ? Number(expiresIn) : undefined }),
    onSuccess(result) {
      // The secret lives only in this component's state: a reload drops it for good.
      setCreated(result);
      setLabel("");
      refresh();
    },
  });
  const busy = create.isPending || refreshing;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <div className="space-y-4 border-t border-zinc-200 bg-zinc-50/60 px-6 py-4">
      <form onSubmit={submit} aria-label="Create API token" className="space-y-3">
        <div className="grid items-end gap-3 sm:grid-cols-[minmax(0,1fr)_8rem_auto]">
          <label className="block">
            <span className="text-xs font-medium text-zinc-700">Label</span>
            <input aria-label="Label" className={`${smallInput} mt-1`} value={label} onChange={(event) => setLabel(event.target.value)} maxLength={100} placeholder="laptop" required autoComplete="off" />
          </label>
          <label className="block">
            <span className="text-xs font-medium text-zinc-700">Expires</span>
            <select aria-label="Expires" className={`${smallInput} mt-1`} value={expiresIn} onChange={(event) => setExpiresIn(event.target.value)}>
              {EXPIRIES.map((option) => (
                <option key={option.label} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className={smallPrimaryButton} disabled={busy || chosen.length === 0 || !label.trim()}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
        <fieldset>
          <legend className="text-xs font-medium text-zinc-700">Scopes (at most your own)</legend>
          <div className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1.5">
            {grantable.map((scope) => {
              const coveredByAll = scope !== "*" && scopes.includes("*");
              return (
                <label key={scope} className={`flex items-center gap-1.5 font-mono text-sm ${coveredByAll ? "text-zinc-400" : "text-zinc-800"}`}>
                  <input
                    type="checkbox"
                    disabled={coveredByAll}
                    checked={coveredByAll || scopes.includes(scope)}
                    onChange={(event) => setScopes((now) => (event.target.checked ? [...now, scope] : now.filter((s) => s !== scope)))}
                    className="accent-emerald-600"
                  />
                  {scope === "*" ? "* (all scopes)" : scope}
                </label>
              );
            })}
          </div>
        </fieldset>
        <InlineError message={errorMessage(create.error)} />
      </form>
      {created ? (
        <SecretPanel
          testId="api-token"
          title={`API token "${created.label}" (${created.scopes.includes("*") ? "all scopes" : created.scopes.join(" ")})`}
          description={`Shown only now: store it where the machine or script can read it. ${created.expiresAt ? `It expires ${formatDateTime(created.expiresAt)}.` : "It does not expire."}`}
          secret={created.token}
          example={{ caption: "Save it on another machine:", text: `lattice teams connect --cloud ${window.location.origin} --token ${created.token}` }}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
    </div>
  );
}

export function RevokeApiTokenButton({ id, label }: { id: string; label: string }) {
  const client = useTRPCClient();
  return (
    <ConfirmedAction
      label="Revoke"
      ariaLabel={`Revoke API token ${label}`}
      question={`Revoke ${label}? Whatever uses it gets 401.`}
      confirmLabel="Yes, revoke"
      busyLabel="Revoking…"
      action={() => client.tokens.revoke.mutate({ id })}
    />
  );
}
