// The sync API's shapes as a client sees them, spelled out (not inferred from the server's router)
// so that the published .d.ts holds no server types. TeamsClient returns the router's own answers,
// so `tsc` refuses a server change that no longer fits these.
import type { ColumnSpec } from "../config/config.ts";

export type PushOp = "link" | "upsert" | "delete" | "unlink";

export interface PushEntry {
  /** The outbox entry's id: a retry with the same id gets the same result and applies nothing twice. */
  id: string;
  table: string;
  op: PushOp;
  pk: string | number;
  /** The row version this edit was based on (0 or null: never pushed). */
  baseVersion?: number | null;
  /** link and upsert: the row, blobs as "\\x" + hex. */
  row?: Record<string, unknown>;
}

export interface PushResult {
  id: string;
  table: string;
  pk: string;
  op: PushOp;
  status: "applied" | "refused" | "stale";
  version: number | null;
  reason?: string;
  owner?: string;
}

export type ChangeKind = "share" | "upsert" | "delete" | "unlink";

export interface FeedChange {
  seq: number;
  kind: ChangeKind;
  table: string;
  pk: string | null;
  row: Record<string, unknown> | null;
  owner: string | null;
  version: number | null;
  at: string;
}

export interface PullPage {
  changes: FeedChange[];
  cursor: number;
  head: number;
  more: boolean;
  owners: Record<string, string>;
}

export interface SharedTable {
  name: string;
  primaryKey: string;
  columns: Record<string, ColumnSpec>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShareResult {
  table: string;
  created: boolean;
  addedColumns: string[];
  rows: number;
  primaryKey: string;
  columns: Record<string, ColumnSpec>;
}

export interface CurrentRow {
  pk: string;
  row: Record<string, unknown>;
  owner: string | null;
  version: number;
}
