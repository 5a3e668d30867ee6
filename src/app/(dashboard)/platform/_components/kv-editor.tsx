"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { dangerButton, secondaryButton } from "../../../_components/form-field";
import { formatDateTime } from "../../../_components/format-date";
import { EntryList, MetaList, PanelPlaceholder, useDebouncedPrefix } from "./entry-list";
import { formatTimeLeft } from "./time-left";
import { InlineError, smallInput, smallPrimaryButton } from "./ui";

const PAGE_SIZE = 50;

/** What a save says about expiry: a new TTL, keep the current one, or none (clears it). */
type Expiry = { expiresIn: number } | { keepTtl: true } | Record<string, never>;

type Selection = { kind: "key"; key: string } | { kind: "new" } | null;

export function KvEditor({ bucket, canWrite }: { bucket: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const { prefix, setPrefix, applied } = useDebouncedPrefix();
  const [selection, setSelection] = useState<Selection>(null);
  const keys = useInfiniteQuery(
    trpc.kv.list.infiniteQueryOptions({ bucket, prefix: applied || undefined, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.cursor ?? undefined }),
  );
  const items = keys.data?.pages.flatMap((page) => page.keys) ?? [];

  return (
    <div className="grid md:grid-cols-[18rem_minmax(0,1fr)]">
      <EntryList
        label="Keys"
        prefix={prefix}
        onPrefix={setPrefix}
        items={items}
        itemKey={(entry) => entry.key}
        selected={selection?.kind === "key" ? selection.key : null}
        onSelect={(key) => setSelection({ kind: "key", key })}
        renderItem={(entry) => (
          <>
            <span className="block truncate font-mono text-sm text-zinc-900">{entry.key}</span>
            <span className="block text-[11px] text-zinc-400">
              v{entry.version} · {formatDateTime(entry.updatedAt)}
              {entry.expiresAt ? ` · expires ${formatDateTime(entry.expiresAt)}` : ""}
            </span>
          </>
        )}
        loading={keys.isPending}
        error={keys.error?.message ?? null}
        hasMore={keys.hasNextPage}
        loadingMore={keys.isFetchingNextPage}
        onLoadMore={() => void keys.fetchNextPage()}
        empty={applied ? `No keys start with "${applied}".` : "This bucket has no keys yet."}
        actions={
          canWrite ? (
            <button type="button" className={`${secondaryButton} h-8`} onClick={() => setSelection({ kind: "new" })}>
              New key
            </button>
          ) : null
        }
      />
      <div className="min-w-0">
        {selection?.kind === "key" ? (
          <KvEntryPanel key={selection.key} bucket={bucket} entryKey={selection.key} canWrite={canWrite} onDeleted={() => setSelection(null)} />
        ) : selection?.kind === "new" ? (
          <NewKeyPanel bucket={bucket} onCreated={(key) => setSelection({ kind: "key", key })} onCancel={() => setSelection(null)} />
        ) : (
          <PanelPlaceholder>Select a key to view {canWrite ? "or edit " : ""}its value.</PanelPlaceholder>
        )}
      </div>
    </div>
  );
}

function KvEntryPanel({ bucket, entryKey, canWrite, onDeleted }: { bucket: string; entryKey: string; canWrite: boolean; onDeleted: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const entry = useQuery(trpc.kv.get.queryOptions({ bucket, key: entryKey }, { staleTime: 0 }));
  const [saved, setSaved] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const invalidate = () => queryClient.invalidateQueries(trpc.kv.pathFilter());
  const put = useMutation(
    trpc.kv.put.mutationOptions({
      onSuccess: async (result) => {
        setSaved(result.version);
        await invalidate();
      },
    }),
  );
  const remove = useMutation(
    trpc.kv.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        onDeleted();
      },
    }),
  );

  if (entry.isPending) return <PanelPlaceholder>Loading {entryKey}…</PanelPlaceholder>;
  if (entry.error) return <PanelPlaceholder><InlineError message={entry.error.message} /></PanelPlaceholder>;
  const { valueText, version, etag, updatedAt, expiresAt } = entry.data;

  return (
    <div className="space-y-4 p-5" data-testid="kv-entry">
      <div className="flex items-start justify-between gap-4">
        <h3 className="min-w-0 truncate font-mono text-sm font-semibold text-zinc-900">{entryKey}</h3>
        {canWrite ? (
          confirming ? (
            <div className="flex items-center gap-2">
              <span className="text-xs text-zinc-600">Delete this key?</span>
              <button type="button" className={dangerButton} disabled={remove.isPending} onClick={() => remove.mutate({ bucket, key: entryKey })}>
                {remove.isPending ? "Deleting…" : "Yes, delete"}
              </button>
              <button type="button" className={secondaryButton} onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className={secondaryButton} onClick={() => setConfirming(true)}>
              Delete
            </button>
          )
        ) : null}
      </div>
      <MetaList
        items={[
          { label: "Version", value: version, testId: "kv-version" },
          { label: "ETag", value: <code className="font-mono">{etag}</code> },
          { label: "Updated", value: formatDateTime(updatedAt) },
          { label: "Expires", value: expiresAt ? <TimeLeft at={expiresAt} /> : "Never", testId: "kv-expires" },
        ]}
      />
      <InlineError message={remove.error?.message} />
      {/* Re-keyed by version: a save (or someone else's) shows the server's value again. */}
      <JsonValueForm
        key={version}
        initialText={valueText}
        expiresAt={expiresAt}
        readOnly={!canWrite}
        pending={put.isPending}
        error={put.error?.message ?? null}
        status={saved === version ? `Saved (version ${version}).` : null}
        onSubmit={(text, expiry) => {
          setSaved(null);
          // Compare-and-swap on the version shown, so a concurrent edit is reported, not overwritten.
          // The text goes as typed (valueText): JSON.parse would round numbers beyond 2^53.
          put.mutate({ bucket, key: entryKey, valueText: text, ...expiry, ifMatch: etag });
        }}
      />
    </div>
  );
}

function NewKeyPanel({ bucket, onCreated, onCancel }: { bucket: string; onCreated: (key: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [key, setKey] = useState("");
  const put = useMutation(
    trpc.kv.put.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.kv.pathFilter());
        onCreated(result.key);
      },
    }),
  );
  return (
    <div className="space-y-4 p-5" data-testid="kv-new-key">
      <div className="flex items-center justify-between gap-4">
        <h3 className="text-sm font-semibold text-zinc-900">New key</h3>
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
      </div>
      <label className="block">
        <span className="text-xs font-medium text-zinc-700">Key</span>
        <input aria-label="Key" className={`${smallInput} mt-1 font-mono`} value={key} onChange={(event) => setKey(event.target.value)} maxLength={1024} placeholder="site-title" autoFocus />
      </label>
      <JsonValueForm
        initialText=""
        pending={put.isPending}
        error={put.error?.message ?? null}
        submitLabel="Create key"
        onSubmit={(text, expiry) => put.mutate({ bucket, key, valueText: text, ...expiry, ifNoneMatch: "*" })}
      />
    </div>
  );
}

/** "in 2 h 13 min (Jan 1, 2026, 3:04 PM)", kept current while it is on screen. */
function TimeLeft({ at }: { at: Date }) {
  const now = useNow();
  return (
    <span title={formatDateTime(at)}>
      {at.getTime() <= now ? "expired" : `in ${formatTimeLeft(at, now)}`} ({formatDateTime(at)})
    </span>
  );
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

// A quick check while typing; the server checks the text strictly (it also refuses duplicate keys).
function checkJson(text: string): { ok: true } | { ok: false; message: string } {
  if (!text.trim()) return { ok: false, message: 'Enter a JSON value, such as "text", 42, true or {"a": 1}.' };
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}

function JsonValueForm({
  initialText,
  expiresAt = null,
  readOnly = false,
  pending,
  error,
  status = null,
  submitLabel = "Save",
  onSubmit,
}: {
  initialText: string;
  /** The entry's current expiry: kept by a save that leaves the TTL empty, unless "Remove expiry" is ticked. */
  expiresAt?: Date | null;
  readOnly?: boolean;
  pending: boolean;
  error: string | null;
  status?: string | null;
  submitLabel?: string;
  onSubmit: (text: string, expiry: Expiry) => void;
}) {
  const [text, setText] = useState(initialText);
  const [ttl, setTtl] = useState("");
  const [removeExpiry, setRemoveExpiry] = useState(false);
  const [touched, setTouched] = useState(false);
  const now = useNow();
  const parsed = checkJson(text);
  const ttlSeconds = ttl.trim() ? Number(ttl) : undefined;
  const ttlValid = ttlSeconds === undefined || (Number.isInteger(ttlSeconds) && ttlSeconds > 0);
  const expiring = expiresAt !== null && expiresAt.getTime() > now;

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!parsed.ok || !ttlValid) return;
    onSubmit(text, ttlSeconds !== undefined ? { expiresIn: ttlSeconds } : expiring && !removeExpiry ? { keepTtl: true } : {});
  }

  return (
    <form onSubmit={submit} aria-label="Value" className="space-y-3">
      <label className="block">
        <span className="text-xs font-medium text-zinc-700">Value (JSON)</span>
        <textarea
          aria-label="Value (JSON)"
          value={text}
          readOnly={readOnly}
          onChange={(event) => {
            setText(event.target.value);
            setTouched(true);
          }}
          spellCheck={false}
          rows={10}
          className={`mt-1 block w-full rounded-md border bg-white px-3 py-2 font-mono text-xs text-zinc-900 shadow-xs outline-none focus:ring-2 ${
            touched && !parsed.ok ? "border-red-400 focus:ring-red-500/20" : "border-zinc-300 focus:border-emerald-600 focus:ring-emerald-600/20"
          } read-only:bg-zinc-50`}
        />
      </label>
      {touched && !parsed.ok ? <InlineError message={parsed.message} /> : null}
      {readOnly ? null : (
        <div className="flex flex-wrap items-end gap-3">
          <label className="block">
            <span className="text-xs font-medium text-zinc-700">TTL (seconds, optional)</span>
            <input
              aria-label="TTL seconds"
              inputMode="numeric"
              value={ttl}
              onChange={(event) => setTtl(event.target.value)}
              placeholder={expiring ? "Keep current" : "No expiry"}
              className={`${smallInput} mt-1 w-40`}
            />
          </label>
          {expiring ? (
            <label className="flex items-center gap-2 pb-2 text-xs text-zinc-700">
              <input type="checkbox" checked={removeExpiry} disabled={ttlSeconds !== undefined} onChange={(event) => setRemoveExpiry(event.target.checked)} />
              Remove expiry
            </label>
          ) : null}
          <button type="submit" className={smallPrimaryButton} disabled={pending || (touched && !parsed.ok) || !ttlValid}>
            {pending ? "Saving…" : submitLabel}
          </button>
          {status ? (
            <span role="status" className="pb-2 text-xs text-emerald-700">
              {status}
            </span>
          ) : null}
        </div>
      )}
      {!ttlValid ? <InlineError message="TTL must be a whole number of seconds greater than 0." /> : null}
      {readOnly ? null : (
        <p className="text-[11px] text-zinc-400" data-testid="kv-ttl-hint">
          {expiring
            ? `Leave the TTL empty to keep the current expiry (expires in ${formatTimeLeft(expiresAt!, now)}).`
            : "Leave the TTL empty for no expiry."}
        </p>
      )}
      <InlineError message={error} />
    </form>
  );
}
