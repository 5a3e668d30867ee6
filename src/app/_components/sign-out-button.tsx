"use client";

import { useState } from "react";
import { signOut } from "next-auth/react";
import { useTRPCClient } from "@/trpc/react";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  async function onClick() {
    setPending(true);
    // No next-auth redirect: its absolute URL depends on proxy headers; a local path is always right.
    await signOut({ redirect: false });
    window.location.assign("/signin");
  }
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={pending}
      className="rounded-md border border-zinc-200 bg-white px-2.5 py-1 text-xs font-medium text-zinc-700 shadow-xs hover:bg-zinc-50 disabled:opacity-60"
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}

/** Ends every dashboard session of this account (other browsers too) via the server, then this one. */
export function SignOutEverywhereButton() {
  const client = useTRPCClient();
  const [pending, setPending] = useState(false);
  async function onClick() {
    if (!window.confirm("End your dashboard sessions in every browser, this one included? API tokens keep working.")) return;
    setPending(true);
    try {
      await client.account.signOutEverywhere.mutate();
    } finally {
      window.location.assign("/signin");
    }
  }
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={pending}
      className="text-xs font-medium text-zinc-500 hover:text-zinc-800 disabled:opacity-60"
    >
      {pending ? "Ending sessions…" : "End all sessions"}
    </button>
  );
}
