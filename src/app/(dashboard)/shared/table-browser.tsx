import Link from "next/link";
import type { BrowsePage } from "@/server/services/sync/shared-data";
import { DataTable } from "../../_components/data-table";
import { formatDateTime } from "../../_components/format-date";
import { OwnerName, ShownValueCell } from "./shown-value";

const td = "px-6 py-2.5 align-baseline";
const pager = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-xs font-medium text-zinc-700 shadow-xs hover:bg-zinc-50";

export function TableBrowser({ page, firstHref, nextHref }: { page: BrowsePage; firstHref: string | null; nextHref: string | null }) {
  const { columns, primaryKey } = page;
  if (page.rows.length === 0) {
    return (
      <p className="px-6 py-8 text-center text-sm text-zinc-500" data-testid="no-rows">
        {firstHref ? "No more rows." : "No rows yet: a member links rows with lattice teams link, or any SQL client writes them."}
      </p>
    );
  }
  return (
    <>
      <DataTable label={`Rows of ${page.table}`} columns={[...columns.map((c) => (c.encrypted ? `${c.name} (encrypted)` : c.name)), "Owner", "Version", "Changed"]}>
        <tbody className="divide-y divide-zinc-100">
          {page.rows.map((row) => (
            <tr key={row.pk}>
              {columns.map((c) => (
                <td key={c.name} className={`${td} max-w-72 ${c.name === primaryKey ? "font-mono text-xs text-zinc-900" : "text-zinc-700"}`}>
                  <ShownValueCell value={row.values[c.name]} />
                </td>
              ))}
              <td className={`${td} text-zinc-600`}>
                <OwnerName id={row.ownerId} email={row.ownerEmail} />
              </td>
              <td className={`${td} text-zinc-600 tabular-nums`}>{row.version}</td>
              <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(row.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {firstHref || nextHref ? (
        <div className="flex justify-end gap-2 border-t border-zinc-200 px-6 py-3">
          {firstHref ? <Link href={firstHref} className={pager}>First page</Link> : null}
          {nextHref ? <Link href={nextHref} className={pager}>Next page</Link> : null}
        </div>
      ) : null}
    </>
  );
}
