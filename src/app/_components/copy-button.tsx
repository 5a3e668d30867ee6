"use client";

import { useState } from "react";

/** Copies `text`; the text next to it stays selectable for when the clipboard is unavailable (no secure context). */
export function CopyButton({ text, label = "Copy", className = "" }: { text: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Nothing to do: the value is select-all on click.
    }
  }
  return (
    <button
      type="button"
      onClick={copy}
      className={`shrink-0 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-xs font-medium text-zinc-700 shadow-xs hover:bg-zinc-50 ${className}`}
    >
      {copied ? "Copied" : label}
    </button>
  );
}
