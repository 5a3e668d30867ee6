"use client";

import { useState, type FormEvent } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPCClient } from "@/trpc/react";
import { secondaryButton } from "../../../_components/form-field";
import { InlineError, errorMessage, smallInput, smallPrimaryButton } from "./ui";
import type { Surface } from "./surface";

/** The object editor's bucket select; the choice lives in `?bucket=` so a reload keeps it. */
export function BucketPicker({ surface, buckets, selected, canAdmin }: { surface: Surface; buckets: string[]; selected: string | null; canAdmin: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const client = useTRPCClient();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (input: { name: string }) => (surface === "kv" ? client.kv.buckets.create.mutate(input) : client.static.buckets.create.mutate(input)),
    onSuccess(bucket) {
      setCreating(false);
      setName("");
      router.push(`${pathname}?bucket=${encodeURIComponent(bucket.name)}`);
      router.refresh();
    },
  });

  function onCreate(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim() });
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {buckets.length ? (
        <label className="flex items-center gap-2 text-xs font-medium text-zinc-600">
          Bucket
          <select
            aria-label="Bucket"
            value={selected ?? ""}
            onChange={(event) => router.push(`${pathname}?bucket=${encodeURIComponent(event.target.value)}`)}
            className="h-8 min-w-40 rounded-md border border-zinc-300 bg-white pr-8 pl-2.5 text-sm text-zinc-900 shadow-xs outline-none focus:border-emerald-600 focus:ring-2 focus:ring-emerald-600/20"
          >
            {buckets.map((bucket) => (
              <option key={bucket} value={bucket}>
                {bucket}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {canAdmin && !creating ? (
        <button type="button" className={`${secondaryButton} h-8`} onClick={() => setCreating(true)}>
          New bucket
        </button>
      ) : null}
      {creating ? (
        <form onSubmit={onCreate} aria-label="New bucket" className="flex flex-wrap items-start gap-2">
          <div>
            <input
              aria-label="Bucket name"
              className={`${smallInput} w-48 font-mono`}
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder={surface === "kv" ? "config" : "site"}
              autoFocus
              required
              maxLength={63}
              autoComplete="off"
            />
            <InlineError message={errorMessage(create.error)} className="mt-1 max-w-72" />
          </div>
          <button type="submit" className={smallPrimaryButton} disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create bucket"}
          </button>
          <button
            type="button"
            className={`${secondaryButton} h-8`}
            onClick={() => {
              setCreating(false);
              create.reset();
            }}
          >
            Cancel
          </button>
        </form>
      ) : null}
    </div>
  );
}
