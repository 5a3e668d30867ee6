/** The Lattice mark: a small grid of nodes, the "shared memory" the product is named after. */
export function LatticeMark({ className = "size-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="8" className="fill-emerald-600" />
      <path d="M9 9h14M9 16h14M9 23h14M9 9v14M16 9v14M23 9v14" className="stroke-emerald-200" strokeWidth="1.5" />
      <circle cx="9" cy="9" r="2.2" className="fill-white" />
      <circle cx="23" cy="16" r="2.2" className="fill-white" />
      <circle cx="16" cy="23" r="2.2" className="fill-white" />
    </svg>
  );
}

export function LatticeLogo() {
  return (
    <span className="flex items-center gap-2">
      <LatticeMark />
      <span className="text-[15px] font-semibold tracking-tight text-zinc-900">Lattice</span>
    </span>
  );
}
