import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { alice, screenshot, signIn } from "./fixtures";

// Runs after first-run.spec.ts on the same server and team. This is the only spec that shares
// tables; it leaves them (there is no unshare) under names no other spec uses, and removes the
// member it adds, as team.spec.ts expects the member list.
test.describe.configure({ mode: "serial" });

const frank = { email: "frank@example.com", name: "Frank" };
const PLAINTEXT = "sk-e2e-plaintext-never-shown";
const TASKS = { table: "e2e_tasks", columns: { id: "text", title: "text", status: { type: "text", default: "todo" } } };
const SECRETS = { table: "e2e_secrets", primaryKey: "name", columns: { name: "text", value: { type: "text", encrypted: true } } };

test.beforeEach(async ({ page }) => {
  await page.goto("/signin");
  await signIn(page, alice);
  await expect(page).toHaveURL(/\/team$/);
});

let entry = 0;
/** A push through tRPC, as the CLI sends it (one entry per row, each with its own id). */
async function push(api: APIRequestContext, table: string, rows: Record<string, unknown>[], pk: string) {
  const entries = rows.map((row) => ({ id: `e2e-shared-${String(++entry).padStart(4, "0")}`, table, op: "link", pk: row[pk], row }));
  const res = await api.post("/api/trpc/sync.push", { data: { json: { entries } } });
  expect(res.status()).toBe(200);
  const { result } = await res.json();
  expect(result.data.json.results.map((r: { status: string }) => r.status)).toEqual(rows.map(() => "applied"));
}

const sharedTables = (page: Page) => page.getByRole("table", { name: "Shared tables" });
const feed = (page: Page) => page.getByRole("table", { name: "Recent changes" });

test("the Shared data page: the tables with rows and owners, a table's rows page by page, the feed, secrets masked", async ({ page, playwright, baseURL }) => {
  // Empty: the page says how to share.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Shared data" }).click();
  await expect(page).toHaveURL(/\/shared$/);
  await expect(page.getByRole("heading", { name: "Shared data", level: 1 })).toBeVisible();
  await expect(page.getByTestId("no-shared-tables")).toContainText("lattice teams share --table tasks");
  await screenshot(page, "shared-data-empty");

  // Alice's token (teams:write) shares two tables and links rows; Frank joins and links one.
  const minted = await page.request.post("/api/v1/tokens", { data: { label: "e2e shared data", scopes: ["teams:write"] } });
  expect(minted.status()).toBe(201);
  const asAlice = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${(await minted.json()).token}` } });
  expect((await asAlice.post("/api/v1/sync/tables", { data: TASKS })).status()).toBe(201);
  expect((await asAlice.post("/api/v1/sync/tables", { data: SECRETS })).status()).toBe(201);
  const tasks = Array.from({ length: 55 }, (_, i) => ({ id: `task-${String(i + 1).padStart(3, "0")}`, title: `Task ${i + 1}` }));
  await push(asAlice, "e2e_tasks", tasks, "id");
  await push(asAlice, "e2e_secrets", [{ name: "OPENAI_API_KEY", value: PLAINTEXT }], "name");

  const invitation = await page.request.post("/api/v1/teams/invitations", { data: { inviteeEmail: frank.email } });
  expect(invitation.status()).toBe(201);
  const joined = await page.request.post("/api/v1/teams/join", { data: { token: (await invitation.json()).token, email: frank.email, name: frank.name } });
  expect(joined.status()).toBe(201);
  const asFrank = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${(await joined.json()).token}` } });
  await push(asFrank, "e2e_tasks", [{ id: "task-frank", title: "Frank's task", status: "doing" }], "id");

  await page.reload();
  const tasksRow = sharedTables(page).getByRole("row").filter({ hasText: "e2e_tasks" });
  await expect(tasksRow.getByRole("cell").nth(1)).toHaveText("56");
  await expect(tasksRow.getByRole("cell").nth(2)).toHaveText(/alice@example.com · 55\s*frank@example.com · 1/);
  await expect(tasksRow.getByRole("cell").nth(3)).toHaveText(alice.email);
  const secretsRow = sharedTables(page).getByRole("row").filter({ hasText: "e2e_secrets" });
  await expect(secretsRow.getByRole("cell").nth(1)).toHaveText("1");

  // The feed, newest first: Frank's link, then Alice's secret (masked), …
  const newest = feed(page).getByRole("row").nth(1);
  await expect(newest.getByRole("cell").nth(1)).toHaveText("upsert");
  await expect(newest.getByRole("cell").nth(2)).toHaveText("e2e_tasks");
  await expect(newest.getByRole("cell").nth(3)).toHaveText("task-frank");
  await expect(newest.getByRole("cell").nth(4)).toHaveText(frank.email);
  await expect(newest.getByRole("cell").nth(6)).toContainText("title: Frank's task");
  const secretChange = feed(page).getByRole("row").filter({ hasText: "OPENAI_API_KEY" });
  await expect(secretChange.getByRole("cell").nth(4)).toHaveText(alice.email);
  await expect(secretChange.getByRole("cell").nth(6)).toContainText("value: ••••encrypted");

  // The first table (by name) is open: e2e_secrets, its value masked.
  const secretRows = page.getByRole("table", { name: "Rows of e2e_secrets" });
  await expect(secretRows.getByRole("columnheader")).toHaveText(["name", "value (encrypted)", "Owner", "Version", "Changed"]);
  await expect(secretRows.getByRole("row").nth(1).getByRole("cell")).toHaveText(["OPENAI_API_KEY", "••••encrypted", alice.email, "1", /\d{4}/]);
  expect(await page.content()).not.toContain(PLAINTEXT);
  await screenshot(page, "shared-data-tables");

  // 59 changes, 30 to a page: the shares are on the second.
  await page.getByRole("link", { name: "Older changes" }).click();
  await expect(page).toHaveURL(/before=\d+/);
  await expect(feed(page).getByRole("row").filter({ hasText: "share" }).filter({ hasText: "e2e_secrets" })).toContainText("columns name, value · key name");
  await expect(feed(page).getByRole("row").filter({ hasText: "share" }).filter({ hasText: "e2e_tasks" })).toContainText("columns id, title, status · key id");
  await expect(page.getByRole("link", { name: "Older changes" })).toHaveCount(0);
  await page.getByRole("link", { name: "Newest" }).click();
  await expect(feed(page).getByRole("row").nth(1)).toContainText("task-frank");

  // Clicking a table opens its rows, 50 to a page in key order, each with its owner.
  await tasksRow.getByRole("link", { name: "e2e_tasks" }).click();
  await expect(page).toHaveURL(/\/shared\?table=e2e_tasks$/);
  const taskRows = page.getByRole("table", { name: "Rows of e2e_tasks" });
  await expect(taskRows.getByRole("row")).toHaveCount(51);
  await expect(page.getByText("56 rows in primary-key order")).toBeVisible();
  await expect(taskRows.getByRole("row").nth(1).getByRole("cell")).toHaveText(["task-001", "Task 1", "todo", alice.email, "1", /\d{4}/]);
  await expect(taskRows.getByRole("row").nth(50).getByRole("cell").first()).toHaveText("task-050");
  await screenshot(page, "shared-data-browse");
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/after=task-050/);
  await expect(taskRows.getByRole("row")).toHaveCount(7);
  await expect(taskRows.getByRole("row").nth(6).getByRole("cell")).toHaveText(["task-frank", "Frank's task", "doing", frank.email, "1", /\d{4}/]);
  await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
  await screenshot(page, "shared-data-next-page");
  await page.getByRole("link", { name: "First page" }).click();
  await expect(taskRows.getByRole("row").nth(1).getByRole("cell").first()).toHaveText("task-001");

  // A table that is not shared, in the URL: said so where its rows would be.
  await page.goto("/shared?table=nope");
  await expect(page.getByRole("alert").filter({ hasText: 'Table "nope" is not shared' })).toContainText("lattice teams share --table nope");

  // Removing Frank unlinks his rows: gone from the counts, and an unlink in the feed.
  expect((await page.request.post("/api/v1/teams/kick", { data: { email: frank.email } })).status()).toBe(200);
  await page.goto("/shared?table=e2e_tasks");
  await expect(tasksRow.getByRole("cell").nth(1)).toHaveText("55");
  await expect(tasksRow.getByRole("cell").nth(2)).toHaveText("alice@example.com · 55");
  const unlink = feed(page).getByRole("row").nth(1);
  await expect(unlink.getByRole("cell").nth(1)).toHaveText("unlink");
  await expect(unlink.getByRole("cell").nth(3)).toHaveText("task-frank");
  await expect(unlink.getByRole("cell").nth(4)).toHaveText(`${alice.email}owner: ${frank.email}`);
  await screenshot(page, "shared-data-after-kick");

  // Looking needs teams:read: a kv-only token is refused.
  const kvOnly = await page.request.post("/api/v1/tokens", { data: { label: "e2e kv only", scopes: ["kv:read"] } });
  const asKv = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${(await kvOnly.json()).token}` } });
  expect((await asKv.get("/api/v1/sync/tables")).status()).toBe(403);
  expect((await asKv.get("/api/v1/sync/feed")).status()).toBe(403);
  await Promise.all([asAlice.dispose(), asFrank.dispose(), asKv.dispose()]);
});
