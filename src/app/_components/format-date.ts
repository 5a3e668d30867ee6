const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export function formatDateTime(date: Date | null | undefined, empty = "Never"): string {
  return date ? dateTime.format(date) : empty;
}

export function formatDate(date: Date | null | undefined, empty = "—"): string {
  return date ? dateOnly.format(date) : empty;
}
