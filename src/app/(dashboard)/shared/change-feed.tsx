import Link from "next/link";
import type { FeedPage, ShownChange } from "@/server/services/sync/shared-data";
import { DataTable } from "../../_components/data-table";
import { Badge } from "../../_components/page-header";
import { formatDateTime } from "../../_components/format-date";
import { OwnerName, ShownValueCell } from "./shown-value";

const td = "px-6 py-2.5 align-baseline";
const pager = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-xs font-medium text-zinc-700 shadow-xs hover:bg-zinc-50";
/** A key longer than this is cut in the table (whole in its tooltip): keys may be up to 1000 characters. */
const KEY_CHARS = 32;
const KIND_TONE = { share: "emerald", upsert: "zinc", delete: "red", unlink: "amber" } as const;

/** What changed, in a line: an upsert's values, a share's columns. */
function Summary({ change }: { change: ShownChange }) {
  if (change.shared) return <span className="text-zinc-500">columns {change.shared.columns.join(", ")} · key {change.shared.primaryKey}</span>;
  if (!change.values) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-0.5">
      {Object.entries(change.values).map(([name, value]) => (
        <span key={name} className="max-w-72 text-xs text-zinc-600">
          <span className="text-zinc-400">{name}:</span> <ShownValueCell value={value} />
        </span>
      ))}
    </span>
  );
}

export function ChangeFeed({ page, newestHref, olderHref }: { page: FeedPage; newestHref: string | null; olderHref: string | null }) {
  if (page.changes.length === 0) return <p className="px-6 py-8 text-center text-sm text-zinc-500" data-testid="no-changes">No changes yet.</p>;
  return (
    <>
      <DataTable label="Recent changes" columns={["#", "Kind", "Table", "Key", "By", "When", "Change"]}>
        <tbody className="divide-y divide-zinc-100">
          {page.changes.map((change) => (
            <tr key={change.seq}>
              <td className={`${td} text-xs text-zinc-400 tabular-nums`}>{change.seq}</td>
              <td className={td}>
                <Badge tone={KIND_TONE[change.kind] ?? "zinc"}>{change.kind}</Badge>
              </td>
              <td className={`${td} font-mono text-xs text-zinc-900`}>{change.table}</td>
              <td className={`${td} font-mono text-xs whitespace-nowrap text-zinc-700`} title={change.pk && change.pk.length > KEY_CHARS ? change.pk : undefined}>
                {change.pk === null ? "—" : change.pk.length > KEY_CHARS ? `${change.pk.slice(0, KEY_CHARS)}…` : change.pk}
              </td>
              <td className={`${td} text-zinc-600`}>
                <OwnerName id={change.actorId} email={change.actorEmail} />
                {change.kind !== "share" && change.ownerId !== change.actorId ? (
                  <p className="text-xs text-zinc-400">
                    owner: <OwnerName id={change.ownerId} email={change.ownerEmail} />
                  </p>
                ) : null}
              </td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(change.at)}</td>
              <td className={td}>
                <Summary change={change} />
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {newestHref || olderHref ? (
        <div className="flex justify-end gap-2 border-t border-zinc-200 px-6 py-3">
          {newestHref ? <Link href={newestHref} className={pager}>Newest</Link> : null}
          {olderHref ? <Link href={olderHref} className={pager}>Older changes</Link> : null}
        </div>
      ) : null}
    </>
  );
}
