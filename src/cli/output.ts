// Plain-text output helpers shared by the commands.

/** Columns padded to their widest cell, two spaces apart, no trailing spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return alignColumns([headers, ...rows]).join("\n") + "\n";
}

/** Each row's cells padded to their column's widest cell, two spaces apart, as lines without trailing spaces. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const count = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(0, ...rows.map((row) => (row[i] ?? "").length)));
  return rows.map((cells) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** "2026-11-23 14:05 UTC": a date a person can read, the same on every machine. */
export function formatDate(date: Date | string | null | undefined, empty = "never"): string {
  if (!date) return empty;
  const iso = new Date(date).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "an admin", "a member", "an owner". */
export function withArticle(word: string): string {
  return (/^[aeiou]/i.test(word) ? "an " : "a ") + word;
}
