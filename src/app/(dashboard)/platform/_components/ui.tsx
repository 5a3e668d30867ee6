"use client";

import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { TRPCClientError } from "@trpc/client";

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
