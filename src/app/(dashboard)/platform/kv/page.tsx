import type { Metadata } from "next";
import { requirePrincipal } from "../../../_components/require-principal";
import { Card, PageHeader } from "../../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "KV Store · Lattice" };

export default async function KvStorePage() {
  await requirePrincipal();
  return (
    <>
      <PageHeader title="KV Store" description="Key-value buckets your team reads and writes over HTTP." />
      <Card className="px-6 py-12 text-center">
        <p className="text-sm text-zinc-500">The KV Store surface arrives with the storage feature.</p>
      </Card>
    </>
  );
}
