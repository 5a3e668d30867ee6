"use client";

import { useEffect, useState } from "react";
import { secondaryButton } from "../../../_components/form-field";
import { InlineError, smallInput } from "./ui";

/** A prefix filter typed into the list: applied a moment after the last keystroke. */
export function useDebouncedPrefix(delay = 250) {
  const [prefix, setPrefix] = useState("");
  const [applied, setApplied] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setApplied(prefix), delay);
    return () => clearTimeout(timer);
  }, [prefix, delay]);
  return { prefix, setPrefix, applied };
}

/** The left column of the object editor: prefix filter, entries, "Load more" (server cursor). */
export function EntryList<T>({
  label,
  prefix,
  onPrefix,
  items,
  itemKey,
  selected,
  onSelect,
  renderItem,
  loading,
  error,
  hasMore,
  loadingMore,
  onLoadMore,
  empty,
  actions,
}: {
  label: string;
  prefix: string;
  onPrefix: (value: string) => void;
  items: T[];
  itemKey: (item: T) => string;
  selected: string | null;
  onSelect: (key: string) => void;
  renderItem: (item: T) => React.ReactNode;
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  empty: string;
  actions?: React.ReactNode;
}) {
  return (
    <div className="flex min-h-60 min-w-0 flex-col border-zinc-200 md:border-r">
      <div className="flex items-center gap-2 border-b border-zinc-200 p-3">
        <input
          type="search"
          aria-label="Filter by prefix"
          placeholder="Filter by prefix…"
          value={prefix}
          onChange={(event) => onPrefix(event.target.value)}
          className={`${smallInput} font-mono`}
        />
        {actions}
      </div>
      <ul aria-label={label} className="max-h-[28rem] divide-y divide-zinc-100 overflow-y-auto empty:hidden">
        {items.map((item) => {
          const key = itemKey(item);
          const active = key === selected;
          return (
            <li key={key}>
              <button
                type="button"
                aria-current={active ? "true" : undefined}
                onClick={() => onSelect(key)}
                className={`block w-full px-3 py-2 text-left transition ${active ? "bg-emerald-50" : "hover:bg-zinc-50"}`}
              >
                {renderItem(item)}
              </button>
            </li>
          );
        })}
      </ul>
      {loading ? <p className="px-3 py-6 text-center text-xs text-zinc-400">Loading…</p> : null}
      {!loading && !error && items.length === 0 ? <p className="px-3 py-6 text-center text-xs text-zinc-500">{empty}</p> : null}
      <InlineError message={error} className="px-3 py-2" />
      {hasMore ? (
        <div className="border-t border-zinc-200 p-2 text-center">
          <button type="button" className={secondaryButton} onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function PanelPlaceholder({ children }: { children: React.ReactNode }) {
  return <div className="flex min-h-60 items-center justify-center p-6 text-center text-sm text-zinc-400">{children}</div>;
}

export function MetaList({ items }: { items: { label: string; value: React.ReactNode; testId?: string }[] }) {
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-xs">
      {items.map((item) => (
        <div key={item.label} className="contents">
          <dt className="text-zinc-500">{item.label}</dt>
          <dd className="min-w-0 truncate font-medium text-zinc-800" data-testid={item.testId}>
            {item.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
