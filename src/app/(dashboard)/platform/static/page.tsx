import type { Metadata } from "next";
import { requirePrincipal } from "../../../_components/require-principal";
import { Card, PageHeader } from "../../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Static · Lattice" };

export default async function StaticPage() {
  await requirePrincipal();
  return (
    <>
      <PageHeader title="Static" description="Static sites served from buckets on your own hostnames." />
      <Card className="px-6 py-12 text-center">
        <p className="text-sm text-zinc-500">The Static surface arrives with the storage feature.</p>
      </Card>
    </>
  );
}
