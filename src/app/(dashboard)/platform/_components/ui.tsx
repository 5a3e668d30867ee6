"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ConfirmActions } from "../../../_components/confirm-actions";
import { secondaryButton } from "../../../_components/form-field";

export const th = "px-6 py-2.5 font-medium";
export const td = "px-6 py-3";
export const smallInput =
  "block h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs outline-none placeholder:text-zinc-400 focus:border-emerald-600 focus:ring-2 focus:ring-emerald-600/20 disabled:bg-zinc-50";
export const smallPrimaryButton =
  "inline-flex h-8 items-center justify-center whitespace-nowrap rounded-md bg-emerald-600 px-3 text-xs font-medium text-white shadow-xs transition hover:bg-emerald-700 disabled:cursor-not-allowed disabled:opacity-60";

/** Re-renders the server component tree (tables) after a mutation; `refreshing` stays true until it has. */
export function useRefresh() {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  return [refreshing, () => startRefresh(() => router.refresh())] as const;
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}

export function errorMessage(error: unknown): string | null {
  if (!error) return null;
  return error instanceof Error ? error.message : String(error);
}

export function InlineError({ message, className = "" }: { message: string | null | undefined; className?: string }) {
  return message ? (
    <p role="alert" className={`text-xs text-red-700 ${className}`}>
      {message}
    </p>
  ) : null;
}

/**
 * A table row's destructive action that asks first: the button, then the question with the red
 * confirm and Cancel; the server-rendered tables refresh once it is done.
 */
export function ConfirmedAction({
  label,
  ariaLabel,
  question,
  confirmLabel,
  busyLabel,
  action,
}: {
  label: string;
  ariaLabel: string;
  question: string;
  confirmLabel: string;
  busyLabel: string;
  action: () => Promise<unknown>;
}) {
  const [refreshing, refresh] = useRefresh();
  const [confirming, setConfirming] = useState(false);
  const run = useMutation({ mutationFn: action, onSuccess: refresh });
  const busy = run.isPending || refreshing;
  if (!confirming) {
    return (
      <button type="button" className={secondaryButton} onClick={() => setConfirming(true)} aria-label={ariaLabel}>
        {label}
      </button>
    );
  }
  return (
    <div className="flex flex-col items-end gap-1.5">
      <span className="text-xs whitespace-nowrap text-zinc-600">{question}</span>
      <ConfirmActions
        busy={busy}
        confirmLabel={confirmLabel}
        busyLabel={busyLabel}
        onConfirm={() => run.mutate()}
        onCancel={() => {
          run.reset();
          setConfirming(false);
        }}
      />
      <InlineError message={errorMessage(run.error)} className="max-w-64 text-right" />
    </div>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The URL a bound host answers on: the dashboard's scheme and port, since the host routes to this same server. */
export function hostUrl(host: string, path = ""): string {
  const { protocol, port } = window.location;
  const name = host.includes(":") ? `[${host}]` : host;
  return `${protocol}//${name}${port ? `:${port}` : ""}/${path}`;
}
