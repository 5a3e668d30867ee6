import { DataTable } from "../../../_components/data-table";
import { TRPCError } from "@trpc/server";
import { serverCaller } from "@/trpc/server";
import { hasScope } from "@/server/auth/scopes";
import type { Principal } from "@/server/auth/principal";
import { Badge, Card, PageHeader, SectionHeading } from "../../../_components/page-header";
import { formatDate, formatDateTime } from "../../../_components/format-date";
import { BucketPicker } from "./bucket-picker";
import { KvEditor } from "./kv-editor";
import { StaticEditor } from "./static-editor";
import { AddBindingForm, BindingEnabledToggle, CreateTokenForm, DeleteBucketButton, RemoveBindingButton, RevokeTokenButton } from "./publishing-controls";
import { SURFACE_TEXT, surfaceScope, type BindingRow, type BucketRow, type StorageTokenRow, type Surface, type SurfaceAccess } from "./surface";

const th = "px-6 py-2.5 font-medium";
const td = "px-6 py-3";

/** The body of Platform → KV Store and Platform → Static. The page has checked the session already. */
export async function StoragePage({ surface, principal, requestedBucket }: { surface: Surface; principal: Principal; requestedBucket: string | undefined }) {
  const text = SURFACE_TEXT[surface];
  const readScope = surfaceScope(surface, "read");
  // Only decides what to show: the server checks every scope again.
  const access: SurfaceAccess = { canWrite: hasScope(principal.scopes, surfaceScope(surface, "write")), canAdmin: hasScope(principal.scopes, surfaceScope(surface, "admin")) };
  const caller = await serverCaller();

  let buckets: BucketRow[];
  try {
    if (!hasScope(principal.scopes, readScope)) throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${readScope} scope.` });
    buckets = surface === "kv" ? await caller.kv.buckets.list() : await caller.static.buckets.list();
  } catch (error) {
    if (error instanceof TRPCError && error.code === "FORBIDDEN") {
      return (
        <>
          <PageHeader title={text.title} description={text.description} />
          <Card className="p-6 text-sm text-zinc-600" >
            <p data-testid="storage-forbidden">
              You need the <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-800">{readScope}</code> scope to see {text.title}. Ask a team admin for access.
            </p>
          </Card>
        </>
      );
    }
    throw error;
  }

  const [bindings, tokens]: [BindingRow[], StorageTokenRow[]] = access.canAdmin
    ? await Promise.all([caller.bindings.list({ surface }), caller.storageTokens.list({ surface, all: true })])
    : [[], []];
  const names = buckets.map((bucket) => bucket.name);
  const selected = requestedBucket && names.includes(requestedBucket) ? requestedBucket : (names[0] ?? null);
  const hosts = bindings.filter((binding) => binding.bucket === selected && binding.enabled).map((binding) => binding.host);

  return (
    <>
      <PageHeader title={text.title} description={text.description}>
        <span className="flex shrink-0 gap-1" title="Your scopes on this surface">
          {(["read", "write", "admin"] as const).map((level) =>
            hasScope(principal.scopes, surfaceScope(surface, level)) ? <Badge key={level} tone="emerald">{surfaceScope(surface, level)}</Badge> : null,
          )}
        </span>
      </PageHeader>

      <Card className="mb-10">
        <SectionHeading title="Object editor" description={selected ? `Inspect or update the ${text.nounPlural} of one bucket.` : undefined}>
          <BucketPicker surface={surface} buckets={names} selected={selected} canAdmin={access.canAdmin} />
        </SectionHeading>
        {selected === null ? (
          <p className="px-6 py-12 text-center text-sm text-zinc-500" data-testid="no-buckets">
            No {surface === "kv" ? "KV" : "static"} buckets yet.{access.canAdmin ? " Create one with New bucket." : ""}
          </p>
        ) : surface === "kv" ? (
          <KvEditor key={selected} bucket={selected} canWrite={access.canWrite} />
        ) : (
          <StaticEditor key={selected} bucket={selected} hosts={hosts} canWrite={access.canWrite} />
        )}
      </Card>

      <div className="mb-4">
        <h2 className="text-base font-semibold tracking-tight text-zinc-900">Publishing and access</h2>
        <p className="mt-0.5 text-sm text-zinc-500">
          Buckets, the hostnames that serve them, and the access tokens external clients use: bucket → host binding → token.
        </p>
      </div>

      <Card className="mb-6">
        <SectionHeading title="Buckets" />
        <BucketsTable surface={surface} buckets={buckets} selected={selected} canAdmin={access.canAdmin} />
      </Card>

      {access.canAdmin ? (
        <>
          <Card className="mb-6">
            <SectionHeading title="Host bindings" description="A hostname or IP served from one bucket of this surface." />
            <BindingsTable bindings={bindings} />
            <AddBindingForm key={selected} surface={surface} buckets={names} defaultBucket={selected} />
          </Card>
          <Card>
            <SectionHeading title="Access tokens" description={`Bucket-scoped storage tokens (lst_…) for external clients. ${surface === "kv" ? "KV hosts require one." : "Used to deploy."} The secret is shown once.`} />
            <TokensTable tokens={tokens} />
            <CreateTokenForm key={selected} surface={surface} buckets={names} bindings={bindings} defaultBucket={selected} />
          </Card>
        </>
      ) : (
        <p className="rounded-lg border border-dashed border-zinc-300 px-6 py-4 text-sm text-zinc-500" data-testid="admin-needed">
          Managing buckets, host bindings and access tokens needs the{" "}
          <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-700">{surfaceScope(surface, "admin")}</code> scope.
        </p>
      )}
    </>
  );
}

function Empty({ children, testId }: { children: React.ReactNode; testId?: string }) {
  return (
    <p className="px-6 py-8 text-center text-sm text-zinc-500" data-testid={testId}>
      {children}
    </p>
  );
}

function BucketsTable({ surface, buckets, selected, canAdmin }: { surface: Surface; buckets: BucketRow[]; selected: string | null; canAdmin: boolean }) {
  if (!buckets.length) return <Empty>No buckets.</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Buckets">
        <thead className="bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className={th}>Name</th>
            <th scope="col" className={th}>Created</th>
            <th scope="col" className={th}>Bindings</th>
            {surface === "static" ? <th scope="col" className={th}>Published</th> : null}
            {canAdmin ? <th scope="col" className={th}><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {buckets.map((bucket) => (
            <tr key={bucket.name}>
              <td className={`${td} font-mono font-medium text-zinc-900`}>
                <a href={`?bucket=${encodeURIComponent(bucket.name)}`} className="hover:text-emerald-700 hover:underline">{bucket.name}</a>
                {bucket.name === selected ? <span className="ml-2 font-sans text-xs font-normal text-zinc-400">(open above)</span> : null}
              </td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDate(bucket.createdAt)}</td>
              <td className={`${td} text-zinc-600`}>{bucket.bindings}</td>
              {surface === "static" ? (
                <td className={td}>{bucket.currentDeployId ? <Badge tone="emerald">Live</Badge> : <Badge>Empty</Badge>}</td>
              ) : null}
              {canAdmin ? (
                <td className={`${td} text-right`}>
                  <DeleteBucketButton surface={surface} name={bucket.name} selected={bucket.name === selected} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BindingsTable({ bindings }: { bindings: BindingRow[] }) {
  if (!bindings.length) return <Empty testId="no-bindings">No host bindings.</Empty>;
  return (
    <DataTable label="Host bindings" columns={["Host", "Bucket", "Enabled", "Created", { label: "Actions", hidden: true }]}>
        <tbody className="divide-y divide-zinc-100">
          {bindings.map((binding) => (
            <tr key={binding.id}>
              <td className={`${td} font-mono font-medium text-zinc-900`}>{binding.host}</td>
              <td className={`${td} font-mono text-zinc-600`}>{binding.bucket}</td>
              <td className={td}><BindingEnabledToggle id={binding.id} host={binding.host} enabled={binding.enabled} /></td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDate(binding.createdAt)}</td>
              <td className={`${td} text-right`}><RemoveBindingButton id={binding.id} host={binding.host} /></td>
            </tr>
          ))}
        </tbody>
    </DataTable>
  );
}

const STATUS_TONE = { active: "emerald", expired: "amber", revoked: "red" } as const;

function TokensTable({ tokens }: { tokens: StorageTokenRow[] }) {
  if (!tokens.length) return <Empty testId="no-storage-tokens">No access tokens.</Empty>;
  return (
    <DataTable label="Access tokens" columns={["Token", "Access", "Buckets", "Created", "Created by", "Last used", "Expires", "Status", { label: "Actions", hidden: true }]}>
        <tbody className="divide-y divide-zinc-100">
          {tokens.map((token) => (
            <tr key={token.id} className={token.status === "active" ? undefined : "text-zinc-400"}>
              <td className={td}>
                <span className="block font-medium text-zinc-900">{token.label}</span>
                <span className="block font-mono text-xs text-zinc-500">{token.prefix}…</span>
              </td>
              <td className={td}><Badge>{token.access}</Badge></td>
              <td className={`${td} font-mono text-xs text-zinc-600`}>{token.buckets.includes("*") ? "* (all)" : token.buckets.join(", ")}</td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDate(token.createdAt)}</td>
              <td className={`${td} text-zinc-600`}>{token.createdBy ?? <span className="text-zinc-400 italic">removed member</span>}</td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(token.lastUsedAt)}</td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(token.expiresAt, "Never")}</td>
              <td className={td}><Badge tone={STATUS_TONE[token.status]}>{token.status}</Badge></td>
              <td className={`${td} text-right`}>{token.status === "active" ? <RevokeTokenButton id={token.id} label={token.label} /> : null}</td>
            </tr>
          ))}
        </tbody>
    </DataTable>
  );
}
