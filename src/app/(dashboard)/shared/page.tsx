import type { Metadata } from "next";
import { TRPCError } from "@trpc/server";
import { serverCaller } from "@/trpc/server";
import { requirePrincipal } from "../../_components/require-principal";
import { Card, PageHeader, SectionHeading } from "../../_components/page-header";
import { SharedTables } from "./shared-tables";
import { TableBrowser } from "./table-browser";
import { ChangeFeed } from "./change-feed";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Shared data · Lattice" };

/** Changes per page of the feed: the rows' values make each one tall. */
const FEED_PAGE = 30;

type Search = { table?: string | string[]; after?: string | string[]; before?: string | string[] };

const one = (value: string | string[] | undefined) => (typeof value === "string" && value !== "" ? value : undefined);

/** A client's mistake in the URL (an unknown table, a bad cursor) is shown where its section would be. */
function clientError(error: unknown): string | null {
  return error instanceof TRPCError && ["BAD_REQUEST", "NOT_FOUND", "UNPROCESSABLE_CONTENT"].includes(error.code) ? error.message : null;
}

export default async function SharedDataPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePrincipal();
  const search = await searchParams;
  const caller = await serverCaller();
  let tables;
  try {
    tables = await caller.sharedData.overview();
  } catch (error) {
    if (error instanceof TRPCError && error.code === "FORBIDDEN") {
      return (
        <>
          <PageHeader title="Shared data" />
          <Card className="p-6 text-sm text-zinc-600">{error.message}</Card>
        </>
      );
    }
    throw error;
  }

  const header = <PageHeader title="Shared data" description="The tables your team shares: real tables in the schema lattice_data of the team's Postgres, and every change to them." />;
  if (tables.length === 0) {
    return (
      <>
        {header}
        <Card className="px-6 py-10 text-center">
          <div data-testid="no-shared-tables">
            <h2 className="text-sm font-semibold text-zinc-900">No shared tables yet</h2>
            <p className="mx-auto mt-1 max-w-md text-sm text-zinc-500">
              Share a table of a Lattice project with the team, then link the rows teammates should see. Their next sync creates the table for them.
            </p>
            <pre className="mx-auto mt-4 w-fit rounded-md border border-zinc-200 bg-zinc-50 px-4 py-2 text-left font-mono text-xs text-zinc-800 select-all">
              {"lattice teams share --table tasks\nlattice teams link --table tasks --pk task-001\nlattice teams sync"}
            </pre>
          </div>
        </Card>
      </>
    );
  }

  const table = one(search.table) ?? tables[0]!.name;
  const selected = tables.find((t) => t.name === table);
  const after = one(search.after);
  const before = one(search.before);
  const href = (params: { table?: string; after?: string; before?: string }) => {
    const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const text = query.toString();
    return text ? `/shared?${text}` : "/shared";
  };
  const [browsed, feed] = await Promise.allSettled([caller.sharedData.browse({ table, after }), caller.sharedData.feed({ before, limit: FEED_PAGE })]);
  const settled = <T,>(result: PromiseSettledResult<T>): { value: T; error: null } | { value: null; error: string } => {
    if (result.status === "fulfilled") return { value: result.value, error: null };
    const message = clientError(result.reason);
    if (message === null) throw result.reason;
    return { value: null, error: message };
  };
  const rows = settled(browsed);
  const changes = settled(feed);

  return (
    <>
      {header}
      <Card className="mb-6">
        <SectionHeading title="Shared tables" description="Row counts and who owns the rows. Only a row's owner can change it through Lattice." />
        <SharedTables tables={tables} selected={table} hrefFor={(name) => href({ table: name, before })} />
      </Card>

      <Card className="mb-6">
        <SectionHeading title={`Rows of ${table}`} description={`${selected ? `${selected.rows.toLocaleString("en")} row${selected.rows === 1 ? "" : "s"} in` : "In"} primary-key order, with the member who owns each row and when it last changed.`} />
        {rows.error !== null ? (
          <p role="alert" className="px-6 py-6 text-sm text-red-700">{rows.error}</p>
        ) : (
          <TableBrowser
            page={rows.value}
            firstHref={after !== undefined ? href({ table, before }) : null}
            nextHref={rows.value.next !== null ? href({ table, after: rows.value.next, before }) : null}
          />
        )}
      </Card>

      <Card>
        <SectionHeading title="Recent changes" description="The team's change feed, newest first: what members pull on their next sync." />
        {changes.error !== null ? (
          <p role="alert" className="px-6 py-6 text-sm text-red-700">{changes.error}</p>
        ) : (
          <ChangeFeed
            page={changes.value}
            newestHref={before !== undefined ? href({ table, after }) : null}
            olderHref={changes.value.next !== null ? href({ table, after, before: String(changes.value.next) }) : null}
          />
        )}
      </Card>
    </>
  );
}
