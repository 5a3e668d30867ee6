import { afterEach, describe, expect, it } from "vitest";
import { BACKENDS, createProject, rawTable, type Backend, type TestProject } from "../../../test/support/lattice-project.ts";

// query() always orders by the primary key last (stable pages). An `index: true` column is indexed
// together with the key, so `where column = v, limit n` reads n index entries in order instead of
// sorting every match: on 100k rows that is 5–8× faster (bench/library.ts).
describe.each(BACKENDS)("query by an indexed column on %s", (backend: Backend) => {
  let project: TestProject;
  afterEach(async () => {
    await project?.cleanup();
  });

  it("walks the index in key order: no sort step in the plan", async () => {
    project = await createProject(backend, `entities:\n  items:\n    columns:\n      id: text\n      category: { type: text, index: true }\n`);
    const db = await project.open({ natives: false });
    await db.transaction(async (tx) => {
      for (let i = 0; i < 5000; i++) await tx.insert("items", { id: `item-${String(i).padStart(5, "0")}`, category: `c${i % 10}` });
    });
    const rows = await db.query("items", { where: { category: "c7" }, limit: 3 });
    expect(rows).toEqual([
      { id: "item-00007", category: "c7" },
      { id: "item-00017", category: "c7" },
      { id: "item-00027", category: "c7" },
    ]);

    const table = rawTable(backend, "items");
    if (backend === "sqlite") {
      const plan = await project.sql(`EXPLAIN QUERY PLAN SELECT "id", "category" FROM ${table} WHERE "category" = ? ORDER BY "id" ASC LIMIT 3`, ["c7"]);
      expect(plan.map((step) => step.detail)).toEqual(['SEARCH items USING COVERING INDEX idx_items_category (category=?)']);
    } else {
      await project.sql(`ANALYZE ${table}`);
      const plan = await project.sql(`EXPLAIN (COSTS OFF) SELECT "id", "category" FROM ${table} WHERE "category" = $1 ORDER BY "id" ASC LIMIT 3`, ["c7"]);
      const lines = plan.map((step) => String(step["QUERY PLAN"]).trim());
      expect(lines[0]).toBe("Limit");
      expect(lines[1]).toMatch(/^-> {2}Index (Only )?Scan using idx_items_category on items$/);
      expect(lines.some((line) => line.includes("Sort"))).toBe(false);
    }
  });
});
