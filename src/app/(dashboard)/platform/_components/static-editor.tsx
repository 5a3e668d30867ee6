"use client";

import { useRef, useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { dangerButton, secondaryButton } from "../../../_components/form-field";
import { EntryList, MetaList, PanelPlaceholder, useDebouncedPrefix } from "./entry-list";
import { InlineError, formatBytes, hostUrl, smallInput, smallPrimaryButton } from "./ui";

const PAGE_SIZE = 50;
const PREVIEW_CHARS = 100_000;

type Selection = { kind: "file"; path: string } | { kind: "upload" } | null;

/** `hosts`: the enabled hosts bound to this bucket (empty when the operator cannot list bindings). */
export function StaticEditor({ bucket, hosts, canWrite }: { bucket: string; hosts: string[]; canWrite: boolean }) {
  const trpc = useTRPC();
  const { prefix, setPrefix, applied } = useDebouncedPrefix();
  const [selection, setSelection] = useState<Selection>(null);
  const files = useInfiniteQuery(
    trpc.static.list.infiniteQueryOptions({ bucket, prefix: applied || undefined, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.cursor ?? undefined }),
  );
  const items = files.data?.pages.flatMap((page) => page.files) ?? [];

  return (
    <div className="grid md:grid-cols-[18rem_minmax(0,1fr)]">
      <EntryList
        label="Files"
        prefix={prefix}
        onPrefix={setPrefix}
        items={items}
        itemKey={(file) => file.path}
        selected={selection?.kind === "file" ? selection.path : null}
        onSelect={(path) => setSelection({ kind: "file", path })}
        renderItem={(file) => (
          <>
            <span className="block truncate font-mono text-sm text-zinc-900">{file.path}</span>
            <span className="block truncate text-[11px] text-zinc-400">
              <span data-testid="file-content-type">{file.contentType}</span> · <span data-testid="file-size">{formatBytes(file.size)}</span>
            </span>
          </>
        )}
        loading={files.isPending}
        error={files.error?.message ?? null}
        hasMore={files.hasNextPage}
        loadingMore={files.isFetchingNextPage}
        onLoadMore={() => void files.fetchNextPage()}
        empty={applied ? `No files start with "${applied}".` : "This bucket has no files yet."}
        actions={
          canWrite ? (
            <button type="button" className={`${secondaryButton} h-8`} onClick={() => setSelection({ kind: "upload" })}>
              Upload
            </button>
          ) : null
        }
      />
      <div className="min-w-0">
        {selection?.kind === "file" ? (
          <StaticFilePanel key={selection.path} bucket={bucket} path={selection.path} hosts={hosts} canWrite={canWrite} onDeleted={() => setSelection(null)} />
        ) : selection?.kind === "upload" ? (
          <UploadPanel bucket={bucket} onUploaded={(path) => setSelection({ kind: "file", path })} onCancel={() => setSelection(null)} />
        ) : (
          <PanelPlaceholder>Select a file to see its details{canWrite ? ", or upload one" : ""}.</PanelPlaceholder>
        )}
      </div>
    </div>
  );
}

function isTextType(contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type.startsWith("text/") || /[/+](json|xml|javascript|ecmascript)$/.test(type) || type === "image/svg+xml";
}

function decodeUtf8(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function StaticFilePanel({ bucket, path, hosts, canWrite, onDeleted }: { bucket: string; path: string; hosts: string[]; canWrite: boolean; onDeleted: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const file = useQuery(trpc.static.get.queryOptions({ bucket, path }, { staleTime: 0 }));
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.static.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.static.pathFilter());
        onDeleted();
      },
    }),
  );

  if (file.isPending) return <PanelPlaceholder>Loading {path}…</PanelPlaceholder>;
  if (file.error) return <PanelPlaceholder><InlineError message={file.error.message} /></PanelPlaceholder>;
  const { contentType, size, sha256, contentBase64 } = file.data;
  const text = contentBase64 !== null && isTextType(contentType) ? decodeUtf8(contentBase64) : null;
  const image = contentBase64 !== null && !text && contentType.startsWith("image/");
  // A host serves `index.html` at its root.
  const servedPath = path === "index.html" ? "" : path.endsWith("/index.html") ? path.slice(0, -"index.html".length) : path;

  return (
    <div className="space-y-4 p-5" data-testid="static-file">
      <div className="flex items-start justify-between gap-4">
        <h3 className="min-w-0 truncate font-mono text-sm font-semibold text-zinc-900">{path}</h3>
        <div className="flex shrink-0 items-center gap-2">
          {hosts.map((host) => (
            <a key={host} href={hostUrl(host, servedPath)} target="_blank" rel="noreferrer" className={secondaryButton} title={`Open on ${host}`}>
              Open{hosts.length > 1 ? ` on ${host}` : ""} ↗
            </a>
          ))}
          {canWrite ? (
            confirming ? (
              <>
                <span className="text-xs text-zinc-600">Delete this file?</span>
                <button type="button" className={dangerButton} disabled={remove.isPending} onClick={() => remove.mutate({ bucket, path })}>
                  {remove.isPending ? "Deleting…" : "Yes, delete"}
                </button>
                <button type="button" className={secondaryButton} onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" className={secondaryButton} onClick={() => setConfirming(true)}>
                Delete
              </button>
            )
          ) : null}
        </div>
      </div>
      <MetaList
        items={[
          { label: "Path", value: <code className="font-mono">{path}</code> },
          { label: "Content type", value: contentType, testId: "static-content-type" },
          { label: "Size", value: `${formatBytes(size)}${size >= 1024 ? ` (${size.toLocaleString("en")} bytes)` : ""}`, testId: "static-size" },
          { label: "SHA-256", value: <code className="font-mono" title={sha256}>{sha256.slice(0, 12)}</code> },
        ]}
      />
      <InlineError message={remove.error?.message} />
      <div>
        <p className="mb-1 text-xs font-medium text-zinc-700">Preview</p>
        {text !== null ? (
          <pre data-testid="static-preview" className="max-h-80 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-xs whitespace-pre-wrap break-all text-zinc-800">
            {text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n…` : text}
          </pre>
        ) : image ? (
          // A data URL from the bytes we already have; next/image would fetch it again.
          // eslint-disable-next-line @next/next/no-img-element
          <img src={`data:${contentType};base64,${contentBase64}`} alt={path} className="max-h-80 rounded-md border border-zinc-200" />
        ) : (
          <p className="rounded-md border border-dashed border-zinc-200 px-3 py-4 text-center text-xs text-zinc-400">
            {contentBase64 === null ? "Too large to preview here (over 1 MiB)." : "No preview for this content type."}
          </p>
        )}
      </div>
    </div>
  );
}

/** Up to 25 MiB per file, as on the server (MAX_BLOB_BYTES). */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

type Uploaded = { path: string; unchanged: boolean; deployId: string | null };

/** PUTs the file's raw bytes (never base64 in JSON: 25 MiB would not fit Next's body limits). */
async function uploadFile(bucket: string, path: string, file: File): Promise<Uploaded> {
  // A URL would resolve these segments away and upload somewhere else.
  if (path.split("/").some((s) => s === "" || s === "." || s === "..")) throw new Error("path must not contain empty, . or .. segments");
  const target = `/api/v1/static/buckets/${encodeURIComponent(bucket)}/files/${path.split("/").map(encodeURIComponent).join("/")}`;
  const response = await fetch(target, { method: "PUT", body: file, headers: { "content-type": "application/octet-stream" }, credentials: "same-origin" });
  const body = (await response.json().catch(() => null)) as (Uploaded & { error?: { message?: string } }) | null;
  if (!response.ok) throw new Error(body?.error?.message ?? `Upload failed (HTTP ${response.status}).`);
  return body!;
}

function UploadPanel({ bucket, onUploaded, onCancel }: { bucket: string; onUploaded: (path: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [path, setPath] = useState("");
  const [readError, setReadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const put = useMutation({
    mutationFn: ({ target, file }: { target: string; file: File }) => uploadFile(bucket, target, file),
    onSuccess: async (result) => {
      if (result.unchanged) {
        setNotice(`No changes: ${result.path} already has this content (deploy ${result.deployId?.slice(0, 8) ?? "none"}).`);
        return;
      }
      await queryClient.invalidateQueries(trpc.static.pathFilter());
      onUploaded(result.path);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return setReadError("Choose a file to upload.");
    if (file.size > MAX_UPLOAD_BYTES) return setReadError(`A file must be at most 25 MiB (${MAX_UPLOAD_BYTES} bytes); this one is ${file.size} bytes.`);
    setReadError(null);
    setNotice(null);
    // The server picks the content type from the target path, as a deploy does.
    put.mutate({ target: path.trim().replace(/^\/+/, ""), file });
  }

  return (
    <form onSubmit={submit} aria-label="Upload file" className="space-y-4 p-5">
      <div className="flex items-center justify-between gap-4">
        <h3 className="text-sm font-semibold text-zinc-900">Upload a file to {bucket}</h3>
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
      </div>
      <label className="block">
        <span className="text-xs font-medium text-zinc-700">File</span>
        <input
          ref={input}
          type="file"
          aria-label="File"
          required
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) setPath(file.name);
          }}
          className="mt-1 block w-full text-sm text-zinc-700 file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-xs file:font-medium file:text-zinc-700 hover:file:bg-zinc-50"
        />
      </label>
      <label className="block">
        <span className="text-xs font-medium text-zinc-700">Target path</span>
        <input aria-label="Target path" className={`${smallInput} mt-1 font-mono`} value={path} onChange={(event) => setPath(event.target.value)} required maxLength={1024} placeholder="index.html" />
        <span className="mt-1 block text-[11px] text-zinc-400">Replaces the file at this path if there is one. Uploading publishes a new deploy.</span>
      </label>
      <button type="submit" className={smallPrimaryButton} disabled={put.isPending}>
        {put.isPending ? "Uploading…" : "Upload"}
      </button>
      <InlineError message={readError ?? put.error?.message} />
      {notice ? (
        <p role="status" className="text-xs text-zinc-600">
          {notice}
        </p>
      ) : null}
    </form>
  );
}
