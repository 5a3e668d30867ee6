// Row types from a config written in TypeScript: `new Lattice<InferEntities<typeof config>>({ config })`.
import type { ColumnType } from "../config/config.ts";

interface ValueOfType {
  text: string;
  integer: number;
  real: number;
  boolean: boolean;
  json: unknown;
  datetime: string;
  blob: Buffer;
}

type ColumnValue<C> = C extends ColumnType
  ? ValueOfType[C]
  : C extends { type: infer T extends ColumnType; nullable: true }
    ? ValueOfType[T] | null
    : C extends { type: infer T extends ColumnType }
      ? ValueOfType[T]
      : unknown;

/** Entity name → row type, from a config object literal (`as const`). */
export type InferEntities<Config> = Config extends { entities: infer Entities }
  ? { [K in keyof Entities]: Entities[K] extends { columns: infer Columns } ? { -readonly [C in keyof Columns]: ColumnValue<Columns[C]> } : never }
  : Record<string, Record<string, unknown>>;
