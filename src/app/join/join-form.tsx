"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { FormError, FormField, primaryButton } from "../_components/form-field";

/** The token from `#token=latinv_…`; null when the link has none. */
function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token")?.trim();
  return token ? token : null;
}

export function JoinForm() {
  const router = useRouter();
  // undefined until the fragment was read (it exists only in the browser).
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const read = () => setToken(tokenFromFragment(window.location.hash));
    read();
    window.addEventListener("hashchange", read);
    return () => window.removeEventListener("hashchange", read);
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token) return;
    const form = new FormData(event.currentTarget);
    const body = {
      token,
      email: String(form.get("email") ?? ""),
      name: String(form.get("name") ?? ""),
      password: String(form.get("password") ?? ""),
      // The browser signs in with the password: no API token to leave lying around.
      issueApiToken: false,
    };
    if (body.password !== String(form.get("confirm") ?? "")) {
      setError("The two passwords do not match.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      // The endpoint the CLI uses: the service checks the bound email, expiry and use.
      const response = await fetch("/api/v1/teams/join", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const result = await response.json().catch(() => null);
      if (!response.ok) {
        setError(result?.error?.message ?? `Joining failed (HTTP ${response.status}).`);
        setPending(false);
        return;
      }
      const signedIn = await signIn("credentials", { email: body.email, password: body.password, redirect: false });
      // replace: the link's history entry (with the used token in its fragment) goes away.
      router.replace(signedIn?.ok && !signedIn.error ? "/team" : "/signin");
      router.refresh();
    } catch {
      setError("Could not reach the server. Check that it is running and try again.");
      setPending(false);
    }
  }

  if (token === undefined) return null;
  if (token === null) {
    return (
      <FormError message="This link has no invitation token. Open the whole link you were sent (it ends with #token=latinv_…), or ask for a new invitation." />
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Join the team">
      <FormField label="Email" name="email" type="email" autoComplete="email" required maxLength={254} autoFocus hint="The address the invitation was sent to." />
      <FormField label="Your name" name="name" autoComplete="name" required maxLength={100} hint="How the team sees you." />
      <FormField label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={200} hint="At least 8 characters. You sign in to the dashboard with it." />
      <FormField label="Confirm password" name="confirm" type="password" autoComplete="new-password" required minLength={8} maxLength={200} />
      <FormError message={error} />
      <button type="submit" className={primaryButton} disabled={pending}>
        {pending ? "Joining…" : "Join team"}
      </button>
    </form>
  );
}
