import type { Metadata } from "next";
import { serverCaller } from "@/trpc/server";
import { requirePrincipal } from "../../_components/require-principal";
import { Badge, Card, PageHeader } from "../../_components/page-header";
import { formatDate, formatDateTime } from "../../_components/format-date";
import { hasScope, SCOPES } from "@/server/auth/scopes";
import { CreateApiTokenForm, RevokeApiTokenButton } from "./_components/api-token-controls";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Tokens · Lattice" };

export default async function TokensPage() {
  const principal = await requirePrincipal();
  const tokens = await (await serverCaller()).tokens.list();
  const now = new Date();
  // What this user may put in a token: everything with *, else the scopes they hold or that those imply.
  const grantable = principal.scopes.includes("*") ? ["*", ...SCOPES] : SCOPES.filter((scope) => hasScope(principal.scopes, scope));

  return (
    <>
      <PageHeader title="API tokens" description="Bearer tokens (lat_…) for the CLI and scripts. A token's secret is shown once, when it is created; only its prefix is kept readable." />
      <Card className="mb-6">
        <CreateApiTokenForm grantable={grantable} />
      </Card>
      <Card>
        {tokens.length === 0 ? (
          <p className="px-6 py-10 text-center text-sm text-zinc-500">You have no API tokens.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="bg-zinc-50 text-xs text-zinc-500">
              <tr>
                <th scope="col" className="px-6 py-2.5 font-medium">Label</th>
                <th scope="col" className="px-6 py-2.5 font-medium">Token</th>
                <th scope="col" className="px-6 py-2.5 font-medium">Scopes</th>
                <th scope="col" className="px-6 py-2.5 font-medium">Created</th>
                <th scope="col" className="px-6 py-2.5 font-medium">Last used</th>
                <th scope="col" className="px-6 py-2.5 font-medium">Status</th>
                <th scope="col" className="px-6 py-2.5 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td className="px-6 py-3 font-medium text-zinc-900">{token.label}</td>
                  <td className="px-6 py-3 font-mono text-xs text-zinc-600">{token.prefix}…</td>
                  <td className="px-6 py-3">
                    <span className="flex flex-wrap gap-1">
                      {token.scopes.map((scope) => (
                        <Badge key={scope}>{scope === "*" ? "all scopes" : scope}</Badge>
                      ))}
                    </span>
                  </td>
                  <td className="px-6 py-3 text-zinc-600">{formatDate(token.createdAt)}</td>
                  <td className="px-6 py-3 text-zinc-600">{formatDateTime(token.lastUsedAt)}</td>
                  <td className="px-6 py-3">
                    {token.revokedAt ? (
                      <Badge tone="red">Revoked</Badge>
                    ) : token.expiresAt && token.expiresAt <= now ? (
                      <Badge tone="amber">Expired</Badge>
                    ) : (
                      <span title={token.expiresAt ? `Expires ${formatDateTime(token.expiresAt)}` : "Does not expire"}>
                        <Badge tone="emerald">Active</Badge>
                      </span>
                    )}
                  </td>
                  <td className="px-6 py-3 text-right">{token.status === "active" ? <RevokeApiTokenButton id={token.id} label={token.label} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
