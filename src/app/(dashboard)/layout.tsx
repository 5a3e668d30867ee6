import Link from "next/link";
import { redirect } from "next/navigation";
import { serverCaller } from "@/trpc/server";
import { sessionPrincipal } from "@/server/auth/next-auth";
import { LatticeLogo } from "../_components/logo";
import { SidebarNav } from "../_components/sidebar-nav";
import { SignOutButton, SignOutEverywhereButton } from "../_components/sign-out-button";
import { DashboardProviders } from "../_components/providers";

// The shell only. Each page checks the session itself: a layout is not re-run on every navigation.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  if (!(await sessionPrincipal())) redirect("/signin");
  const { user, team, role } = await (await serverCaller()).teams.whoami();
  if (!team) redirect("/");

  return (
    <DashboardProviders>
      <div className="flex min-h-screen bg-zinc-50">
        <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white">
          <div className="flex h-14 items-center border-b border-zinc-200 px-5">
            <Link href="/team" aria-label="Lattice home">
              <LatticeLogo />
            </Link>
          </div>
          <SidebarNav />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-14 items-center justify-between gap-4 border-b border-zinc-200 bg-white px-6">
            <div className="flex min-w-0 items-center gap-2 text-sm">
              <span className="truncate font-medium text-zinc-900" data-testid="topbar-team">{team.name}</span>
              {role ? <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-500">{role}</span> : null}
            </div>
            <div className="flex items-center gap-4">
              <span className="flex items-center gap-1.5 text-xs text-zinc-400">
                {/* Replaced by the realtime feature's live indicator. */}
                <span data-testid="connection-dot" title="Realtime: not connected yet" className="size-2 rounded-full bg-zinc-300" />
                Realtime
              </span>
              <span className="h-5 w-px bg-zinc-200" aria-hidden="true" />
              <div className="flex items-center gap-2.5" data-testid="topbar-user">
                <span className="flex size-7 items-center justify-center rounded-full bg-emerald-100 text-xs font-semibold text-emerald-800" aria-hidden="true">
                  {initials(user.displayName)}
                </span>
                <span className="hidden flex-col leading-tight sm:flex">
                  <span className="text-sm font-medium text-zinc-900">{user.displayName}</span>
                  <span className="text-xs text-zinc-500">{user.email}</span>
                </span>
              </div>
              <SignOutEverywhereButton />
              <SignOutButton />
            </div>
          </header>
          <main className="flex-1 px-8 py-8">
            <div className="mx-auto max-w-5xl">{children}</div>
          </main>
        </div>
      </div>
    </DashboardProviders>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? parts[parts.length - 1]![0] : "")).toUpperCase();
}
