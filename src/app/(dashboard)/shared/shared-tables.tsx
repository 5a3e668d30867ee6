import Link from "next/link";
import type { SharedTableSummary } from "@/server/services/sync/shared-data";
import { DataTable } from "../../_components/data-table";
import { Badge } from "../../_components/page-header";
import { formatDateTime } from "../../_components/format-date";
import { OwnerName } from "./shown-value";

const td = "px-6 py-3 align-baseline";

export function SharedTables({ tables, selected, hrefFor }: { tables: SharedTableSummary[]; selected: string | undefined; hrefFor: (table: string) => string }) {
  return (
    <DataTable label="Shared tables" columns={["Table", "Rows", "Owners", "Shared by", "Last change"]}>
      <tbody className="divide-y divide-zinc-100">
        {tables.map((table) => (
          <tr key={table.name} className={table.name === selected ? "bg-emerald-50/40" : undefined}>
            <td className={`${td} font-medium`}>
              <Link href={hrefFor(table.name)} aria-current={table.name === selected ? "true" : undefined} className="font-mono text-emerald-700 hover:underline">
                {table.name}
              </Link>
              <p className="mt-0.5 text-xs font-normal text-zinc-500">
                {table.columns.length} column{table.columns.length === 1 ? "" : "s"} · key {table.primaryKey}
              </p>
              {table.missing ? (
                <p className="mt-1">
                  <Badge tone="red">missing in lattice_data</Badge>
                </p>
              ) : null}
            </td>
            <td className={`${td} text-zinc-900 tabular-nums`}>{table.rows.toLocaleString("en")}</td>
            <td className={td}>
              {table.owners.length === 0 ? (
                <span className="text-zinc-400">—</span>
              ) : (
                <ul className="flex flex-col gap-0.5">
                  {table.owners.map((owner) => (
                    <li key={owner.userId ?? "sql"} className="text-zinc-600">
                      <OwnerName id={owner.userId} email={owner.email} /> <span className="text-xs text-zinc-400 tabular-nums">· {owner.rows.toLocaleString("en")}</span>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className={`${td} text-zinc-600`}>{table.sharedBy ?? "—"}</td>
            <td className={`${td} whitespace-nowrap text-zinc-600`}>{formatDateTime(table.lastChangeAt)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
