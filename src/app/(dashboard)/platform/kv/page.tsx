import type { Metadata } from "next";
import { requirePrincipal } from "../../../_components/require-principal";
import { StoragePage } from "../_components/storage-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "KV Store · Lattice" };

export default async function KvStorePage({ searchParams }: { searchParams: Promise<{ bucket?: string | string[] }> }) {
  const principal = await requirePrincipal();
  const { bucket } = await searchParams;
  return <StoragePage surface="kv" principal={principal} requestedBucket={typeof bucket === "string" ? bucket : undefined} />;
}
