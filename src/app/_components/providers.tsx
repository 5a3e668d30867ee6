"use client";

import { TRPCReactProvider } from "@/trpc/react";

/** Client-side context for the dashboard: the tRPC client (and its query cache). */
export function DashboardProviders({ children }: { children: React.ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
