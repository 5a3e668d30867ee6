import type { ShownValue } from "@/server/services/sync/shared-data";

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** One cell of shared data as the server shortened it; an encrypted value is never sent here. */
export function ShownValueCell({ value }: { value: ShownValue | undefined }) {
  if (value === null || value === undefined) return <span className="text-zinc-300">null</span>;
  if (typeof value === "object") {
    if ("encrypted" in value) {
      return (
        <span className="inline-flex items-center gap-1 text-zinc-500" title="Encrypted: the dashboard never shows its value">
          <span aria-hidden="true" className="tracking-widest">••••</span>
          <span className="text-xs">encrypted</span>
        </span>
      );
    }
    return <span className="text-zinc-500">binary, {formatSize(value.bytes)}</span>;
  }
  return <span className="break-words">{String(value)}</span>;
}

/** "alice@example.com", "direct SQL" when nobody owns it, or "unknown member" when the account is gone. */
export function OwnerName({ id, email }: { id: string | null; email: string | null }) {
  if (id === null) return <span className="text-zinc-500 italic" title="Written by direct SQL on the team's Postgres (nobody owns such rows)">direct SQL</span>;
  return email ? <>{email}</> : <span className="text-zinc-500" title={id}>unknown member</span>;
}
