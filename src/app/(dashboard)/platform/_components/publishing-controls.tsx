"use client";

import { useState, type FormEvent } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPCClient } from "@/trpc/react";
import { ConfirmActions } from "../../../_components/confirm-actions";
import { secondaryButton } from "../../../_components/form-field";
import { formatDateTime } from "../../../_components/format-date";
import { SecretPanel } from "../../../_components/secret-panel";
import { ConfirmedAction, InlineError, errorCode, errorMessage, hostUrl, smallInput, smallPrimaryButton, useRefresh } from "./ui";
import type { AccessLevel, BindingRow, Surface } from "./surface";

// Client controls inside the server-rendered "Publishing and access" tables. The server checks
// `<surface>:admin` on every one of these again.

export function DeleteBucketButton({ surface, name, selected }: { surface: Surface; name: string; selected: boolean }) {
  const client = useTRPCClient();
  const router = useRouter();
  const pathname = usePathname();
  const [refreshing, refresh] = useRefresh();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: (input: { name: string; force?: boolean }) =>
      surface === "kv" ? client.kv.buckets.delete.mutate(input) : client.static.buckets.delete.mutate(input),
    onSuccess() {
      if (selected) router.replace(pathname);
      refresh();
    },
  });
  const busy = remove.isPending || refreshing;
  // The server refuses a bucket that hosts still point at; forcing deletes those bindings with it.
  const bound = errorCode(remove.error) === "CONFLICT";

  if (!confirming) {
    return (
      <button type="button" className={secondaryButton} onClick={() => setConfirming(true)} aria-label={`Delete bucket ${name}`}>
        Delete
      </button>
    );
  }
  return (
    <div className="flex flex-col items-end gap-1.5">
      {bound ? (
        <p role="alert" className="max-w-80 text-right text-xs text-red-700">
          {errorMessage(remove.error)}
        </p>
      ) : (
        <span className="text-xs whitespace-nowrap text-zinc-600">Delete {name} and everything in it?</span>
      )}
      <ConfirmActions
        busy={busy}
        confirmLabel={bound ? "Delete anyway" : "Yes, delete"}
        busyLabel="Deleting…"
        onConfirm={() => remove.mutate({ name, force: bound || undefined })}
        onCancel={() => {
          remove.reset();
          setConfirming(false);
        }}
      />
      {!bound ? <InlineError message={errorMessage(remove.error)} className="max-w-72 text-right" /> : null}
    </div>
  );
}

export function BindingEnabledToggle({ id, host, enabled }: { id: string; host: string; enabled: boolean }) {
  const client = useTRPCClient();
  const [refreshing, refresh] = useRefresh();
  const toggle = useMutation({ mutationFn: (next: boolean) => client.bindings.setEnabled.mutate({ id, enabled: next }), onSuccess: refresh });
  const busy = toggle.isPending || refreshing;
  // Shows the requested state while it is saved, and the server's again if that failed.
  const on = busy && toggle.variables !== undefined ? toggle.variables : enabled;
  return (
    <div>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label={`Serve ${host}`}
        disabled={busy}
        onClick={() => toggle.mutate(!enabled)}
        className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition disabled:opacity-60 ${on ? "bg-emerald-600" : "bg-zinc-300"}`}
      >
        <span className={`inline-block size-4 rounded-full bg-white shadow transition ${on ? "translate-x-4.5" : "translate-x-0.5"}`} />
      </button>
      <InlineError message={errorMessage(toggle.error)} className="mt-1 max-w-56" />
    </div>
  );
}

export function RemoveBindingButton({ id, host }: { id: string; host: string }) {
  const client = useTRPCClient();
  return (
    <ConfirmedAction
      label="Remove"
      ariaLabel={`Remove the binding for ${host}`}
      question={`Stop serving ${host}?`}
      confirmLabel="Yes, remove"
      busyLabel="Removing…"
      action={() => client.bindings.delete.mutate({ id })}
    />
  );
}

export function AddBindingForm({ surface, buckets, defaultBucket }: { surface: Surface; buckets: string[]; defaultBucket: string | null }) {
  const client = useTRPCClient();
  const [refreshing, refresh] = useRefresh();
  const [host, setHost] = useState("");
  const [bucket, setBucket] = useState(defaultBucket ?? buckets[0] ?? "");
  const [boundFrom, setBoundFrom] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => client.bindings.create.mutate({ host, surface, bucket }),
    onSuccess(binding) {
      // A pasted URL binds its host: say which.
      setBoundFrom(host.includes("://") ? `Bound ${binding.host} (the host of ${host.trim()}).` : null);
      setHost("");
      refresh();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const busy = create.isPending || refreshing;
  return (
    <form onSubmit={submit} aria-label="Add binding" className="border-t border-zinc-200 bg-zinc-50/60 px-6 py-4">
      <div className="grid items-end gap-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto]">
        <label className="block">
          <span className="text-xs font-medium text-zinc-700">Hostname or IP</span>
          <input
            aria-label="Hostname or IP"
            className={`${smallInput} mt-1 font-mono`}
            value={host}
            onChange={(event) => setHost(event.target.value)}
            placeholder={surface === "kv" ? "kv.example.com" : "assets.example.com"}
            required
            maxLength={260}
            autoComplete="off"
          />
        </label>
        <label className="block">
          <span className="text-xs font-medium text-zinc-700">Bucket</span>
          <select aria-label="Binding bucket" className={`${smallInput} mt-1`} value={bucket} onChange={(event) => setBucket(event.target.value)} required>
            {buckets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={smallPrimaryButton} disabled={busy || !buckets.length}>
          {busy ? "Adding…" : "Add binding"}
        </button>
      </div>
      <InlineError message={errorMessage(create.error)} className="mt-2" />
      {boundFrom && !create.error ? (
        <p role="status" className="mt-2 text-xs text-emerald-700">
          {boundFrom}
        </p>
      ) : null}
      <p className="mt-2 text-[11px] text-zinc-400">
        {surface === "kv"
          ? "Route the hostname to this server and keep the Host header. KV hosts need a storage access token."
          : "Route the hostname to this server and keep the Host header. Static hosts are public: / serves index.html, unknown paths 404.html."}
      </p>
    </form>
  );
}

export function RevokeTokenButton({ id, label }: { id: string; label: string }) {
  const client = useTRPCClient();
  return (
    <ConfirmedAction
      label="Revoke"
      ariaLabel={`Revoke token ${label}`}
      question={`Revoke ${label}? Whatever uses it stops working.`}
      confirmLabel="Yes, revoke"
      busyLabel="Revoking…"
      action={() => client.storageTokens.revoke.mutate({ id })}
    />
  );
}

const ACCESS: { value: AccessLevel; label: string }[] = [
  { value: "read", label: "Read" },
  { value: "write", label: "Read and write" },
  { value: "admin", label: "Admin" },
];

const EXPIRIES = [
  { value: "", label: "Never" },
  { value: String(86_400), label: "1 day" },
  { value: String(30 * 86_400), label: "30 days" },
  { value: String(90 * 86_400), label: "90 days" },
];

interface CreatedToken {
  label: string;
  access: AccessLevel;
  buckets: string[];
  expiresAt: Date | null;
  token: string;
}

export function CreateTokenForm({ surface, buckets, bindings, defaultBucket }: { surface: Surface; buckets: string[]; bindings: BindingRow[]; defaultBucket: string | null }) {
  const client = useTRPCClient();
  const [refreshing, refresh] = useRefresh();
  const [label, setLabel] = useState("");
  const [access, setAccess] = useState<AccessLevel>("read");
  const [allBuckets, setAllBuckets] = useState(false);
  const [chosen, setChosen] = useState<string[]>(defaultBucket ? [defaultBucket] : []);
  const [expiresIn, setExpiresIn] = useState("");
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const create = useMutation({
    mutationFn: () =>
      client.storageTokens.create.mutate({
        surface,
        access,
        label: label.trim() || undefined,
        buckets: allBuckets ? ["*"] : chosen.filter((name) => buckets.includes(name)),
        expiresIn: expiresIn ? Number(expiresIn) : undefined,
      }),
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
      <form onSubmit={submit} aria-label="Create access token" className="space-y-3">
        <div className="grid items-end gap-3 sm:grid-cols-[minmax(0,1fr)_10rem_8rem_auto]">
          <label className="block">
            <span className="text-xs font-medium text-zinc-700">Label</span>
            <input aria-label="Label" className={`${smallInput} mt-1`} value={label} onChange={(event) => setLabel(event.target.value)} maxLength={100} placeholder={`${surface} ${access}`} autoComplete="off" />
          </label>
          <label className="block">
            <span className="text-xs font-medium text-zinc-700">Access</span>
            <select aria-label="Access" className={`${smallInput} mt-1`} value={access} onChange={(event) => setAccess(event.target.value as AccessLevel)}>
              {ACCESS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
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
          <button type="submit" className={smallPrimaryButton} disabled={busy || (!allBuckets && chosen.length === 0)}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
        <fieldset>
          <legend className="text-xs font-medium text-zinc-700">Buckets</legend>
          <div className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1.5">
            <label className="flex items-center gap-1.5 text-sm text-zinc-800">
              <input type="checkbox" checked={allBuckets} onChange={(event) => setAllBuckets(event.target.checked)} className="accent-emerald-600" />
              <span>
                All buckets (<code className="font-mono text-xs">*</code>)
              </span>
            </label>
            {buckets.map((name) => (
              <label key={name} className={`flex items-center gap-1.5 font-mono text-sm ${allBuckets ? "text-zinc-400" : "text-zinc-800"}`}>
                <input
                  type="checkbox"
                  disabled={allBuckets}
                  checked={allBuckets || chosen.includes(name)}
                  onChange={(event) => setChosen((now) => (event.target.checked ? [...now, name] : now.filter((b) => b !== name)))}
                  className="accent-emerald-600"
                />
                {name}
              </label>
            ))}
          </div>
        </fieldset>
        <InlineError message={errorMessage(create.error)} />
      </form>
      {created ? (
        <SecretPanel
          testId="storage-token"
          title={`Storage token "${created.label}" (${surface}, ${created.access}, ${created.buckets.join(", ")})`}
          description={`Shown only now: store it in a secret manager. ${created.expiresAt ? `It expires ${formatDateTime(created.expiresAt)}.` : "It does not expire."}`}
          secret={created.token}
          example={usageExample(surface, created, bindings, defaultBucket)}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
    </div>
  );
}

function usageExample(surface: Surface, token: CreatedToken, bindings: BindingRow[], defaultBucket: string | null) {
  const covers = (bucket: string) => token.buckets.includes("*") || token.buckets.includes(bucket);
  if (surface === "kv") {
    const binding = bindings.find((b) => b.enabled && covers(b.bucket));
    const base = binding ? hostUrl(binding.host) : "http://<host>/";
    const lines = [`export LATTICE_STORAGE_TOKEN=${token.token}`, `curl -H "Authorization: Bearer $LATTICE_STORAGE_TOKEN" ${base}<key>`];
    if (token.access !== "read") {
      lines.push(`curl -X PUT -H "Authorization: Bearer $LATTICE_STORAGE_TOKEN" -H "Content-Type: application/json" -d '{"value":"Lattice"}' ${base}<key>`);
    }
    return { caption: binding ? `Read a key through ${binding.host}:` : "Bind a host to the bucket, then read a key through it:", text: lines.join("\n") };
  }
  const bucket = token.buckets.includes("*") ? (defaultBucket ?? "<name>") : token.buckets[0]!;
  return {
    caption: "Deploy a directory to the bucket with the CLI:",
    text: `LATTICE_STORAGE_TOKEN=${token.token} lattice static deploy ./dist --bucket ${bucket} --server ${window.location.origin}`,
  };
}
