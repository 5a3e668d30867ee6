"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { CopyButton } from "./copy-button";
import { FormError, FormField, primaryButton } from "./form-field";

interface Registered {
  teamName: string;
  token: string;
  signedIn: boolean;
}

export function FirstRunForm() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [registered, setRegistered] = useState<Registered | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      teamName: String(form.get("teamName") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    setPending(true);
    setError(null);
    try {
      // The same endpoint the CLI uses, so the rules (one team per server, validation) live in one service.
      const response = await fetch("/api/v1/teams/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const result = await response.json().catch(() => null);
      if (!response.ok) {
        setError(result?.error?.message ?? `Registration failed (HTTP ${response.status}).`);
        return;
      }
      const signedIn = await signIn("credentials", { email: body.email, password: body.password, redirect: false });
      setRegistered({ teamName: result.team.name, token: result.token, signedIn: Boolean(signedIn?.ok && !signedIn.error) });
    } catch {
      setError("Could not reach the server. Check that it is running and try again.");
    } finally {
      setPending(false);
    }
  }

  if (registered) {
    return <BootstrapToken {...registered} onContinue={() => router.push(registered.signedIn ? "/team" : "/signin")} />;
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Create your team">
      <FormField label="Your name" name="name" autoComplete="name" required maxLength={100} placeholder="Ada Lovelace" />
      <FormField label="Email" name="email" type="email" autoComplete="email" required maxLength={254} placeholder="ada@example.com" />
      <FormField label="Team name" name="teamName" required maxLength={100} placeholder="Analytical Engines" />
      <FormField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={200}
        hint="At least 8 characters. You sign in to the dashboard with it."
      />
      <FormError message={error} />
      <button type="submit" className={primaryButton} disabled={pending}>
        {pending ? "Creating team…" : "Create team"}
      </button>
    </form>
  );
}

function BootstrapToken({ teamName, token, signedIn, onContinue }: Registered & { onContinue: () => void }) {
  return (
    <div className="space-y-5">
      <div className="flex items-start gap-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2.5 text-sm text-emerald-800">
        <span aria-hidden="true">✓</span>
        <span>
          Team <strong>{teamName}</strong> created. You are its owner.
        </span>
      </div>
      <div>
        <p className="text-sm font-medium text-zinc-800">Your bootstrap API token (shown once)</p>
        <p className="mt-1 text-xs text-zinc-500">Use it for the CLI and scripts. Only its prefix is stored in readable form; copy it now.</p>
        <div className="mt-2 flex items-stretch gap-2">
          <code data-testid="bootstrap-token" className="min-w-0 flex-1 truncate rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs text-zinc-800 select-all">
            {token}
          </code>
          <CopyButton text={token} />
        </div>
      </div>
      {!signedIn ? <FormError message="The team was created, but signing you in failed: sign in with your email and password." /> : null}
      <button type="button" onClick={onContinue} className={primaryButton}>
        {signedIn ? "Continue to dashboard" : "Go to sign in"}
      </button>
    </div>
  );
}
