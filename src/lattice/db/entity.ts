import type { EntitySpec } from "../config/config.ts";

/** A row as the library reads and writes it: column name → JavaScript value. */
export type Row = Record<string, unknown>;

/** What a write hook can see of the Lattice it runs in (the project folder holds data/blobs). */
export interface WriteContext {
  projectDir: string;
}

/**
 * An entity as the Lattice holds it: the config's spec, plus what framework entities add
 * (timestamps the library keeps, a check run before each write).
 */
export interface EntityDefinition extends EntitySpec {
  /** Registered by code (registerNativeEntities), not listed in lattice.config.yml. */
  native?: boolean;
  /** Columns the library sets: `createdAt` on insert, `updatedAt` on every write. */
  timestamps?: { createdAt?: string; updatedAt?: string };
  /** Runs before a row is inserted or updated (with the row as it will be stored, before encryption). */
  beforeWrite?(row: Row, context: WriteContext): void | Promise<void>;
}
