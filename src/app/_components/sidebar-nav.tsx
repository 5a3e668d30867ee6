"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

type IconName = "shared" | "kv" | "static" | "team" | "tokens";

const SECTIONS: { heading?: string; items: { href: string; label: string; icon: IconName }[] }[] = [
  {
    heading: "Data",
    items: [{ href: "/shared", label: "Shared data", icon: "shared" }],
  },
  {
    heading: "Platform",
    items: [
      { href: "/platform/kv", label: "KV Store", icon: "kv" },
      { href: "/platform/static", label: "Static", icon: "static" },
    ],
  },
  {
    heading: "Settings",
    items: [
      { href: "/team", label: "Team", icon: "team" },
      { href: "/tokens", label: "Tokens", icon: "tokens" },
    ],
  },
];

export function SidebarNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-6 px-3 py-4">
      {SECTIONS.map((section) => (
        <div key={section.heading}>
          {section.heading ? (
            <p className="px-2 pb-1.5 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase">{section.heading}</p>
          ) : null}
          <ul className="flex flex-col gap-0.5">
            {section.items.map((item) => {
              const active = pathname === item.href || pathname.startsWith(item.href + "/");
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={active ? "page" : undefined}
                    className={`flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm transition ${
                      active ? "bg-zinc-100 font-medium text-zinc-900" : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900"
                    }`}
                  >
                    <NavIcon name={item.icon} active={active} />
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

const ICON_PATHS: Record<IconName, string> = {
  shared: "M4 4h16a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1Zm-1 6h18M3 15h18M9 10v10",
  kv: "M4 6c0-1.1 3.6-2 8-2s8 .9 8 2-3.6 2-8 2-8-.9-8-2Zm0 0v12c0 1.1 3.6 2 8 2s8-.9 8-2V6M4 12c0 1.1 3.6 2 8 2s8-.9 8-2",
  static: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Zm0 0c2.5-2.4 3.8-5.4 3.8-9S14.5 5.4 12 3m0 18c-2.5-2.4-3.8-5.4-3.8-9S9.5 5.4 12 3M3.5 9h17M3.5 15h17",
  team: "M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1m13-8a3 3 0 1 0 0-6m5 14v-1a4 4 0 0 0-3-3.9M12.5 8a3 3 0 1 1-6 0 3 3 0 0 1 6 0Z",
  tokens: "M15 7a2 2 0 0 1 2 2m4 0a6 6 0 0 1-7.7 5.7L11 17H9v2H7v2H3v-3.6l6.3-6.3A6 6 0 1 1 21 9Z",
};

function NavIcon({ name, active }: { name: IconName; active: boolean }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true"
      className={`size-4 shrink-0 ${active ? "stroke-emerald-600" : "stroke-zinc-400"}`}>
      <path d={ICON_PATHS[name]} />
    </svg>
  );
}
