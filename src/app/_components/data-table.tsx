import type { ReactNode } from "react";

export type Column = string | { label: string; hidden: true };

/** The dashboard's table: horizontal scroll when narrow, one header row; children are the <tbody>. */
export function DataTable({ label, columns, children }: { label?: string; columns: Column[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="bg-zinc-50 text-xs text-zinc-500">
          <tr>
            {columns.map((column) =>
              typeof column === "string" ? (
                <th key={column} scope="col" className="px-6 py-2.5 font-medium">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col" className="px-6 py-2.5 font-medium">
                  <span className="sr-only">{column.label}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        {children}
      </table>
    </div>
  );
}
