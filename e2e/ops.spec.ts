import { expect, test, type Page } from "@playwright/test";
import { alice, screenshot, signIn } from "./fixtures";

// Runs after first-run.spec.ts on the same server and team; Alice is the owner (`*`).
test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => {
  await page.goto("/signin");
  await signIn(page, alice);
  await expect(page).toHaveURL(/\/team$/);
});

async function createToken(page: Page, label: string, scopes: string[]) {
  const form = page.getByRole("form", { name: "Create API token" });
  await form.getByLabel("Label").fill(label);
  // Start from nothing: untick "* (all scopes)", then tick the ones wanted.
  await form.getByRole("checkbox", { name: "* (all scopes)" }).uncheck();
  const ticked = form.getByRole("checkbox", { checked: true });
  while ((await ticked.count()) > 0) await ticked.first().uncheck();
  for (const scope of scopes) await form.getByRole("checkbox", { name: scope, exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
}

test("API tokens: create one (secret shown once), it works, revoke it after a confirmation, then 401", async ({ page, playwright, baseURL }) => {
  await page.goto("/tokens");
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  await createToken(page, "e2e script", ["kv:read", "teams:read"]);

  const panel = page.getByTestId("api-token-panel");
  await expect(panel).toContainText('API token "e2e script" (kv:read teams:read)');
  const secret = (await page.getByTestId("api-token").textContent())!;
  expect(secret).toMatch(/^lat_[A-Za-z0-9_-]{43}$/);
  await screenshot(page, "tokens-created");

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  expect((await api.get("/api/v1/tokens")).status()).toBe(200);

  // Shown once: gone after a reload, only the prefix stays.
  await page.reload();
  await expect(panel).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  const row = page.getByRole("row").filter({ hasText: "e2e script" });
  await expect(row).toContainText(`${secret.slice(0, 10)}…`);
  await expect(row).toContainText("Active");

  // Revoke asks first; Cancel keeps the token.
  await row.getByRole("button", { name: "Revoke API token e2e script" }).click();
  await expect(row).toContainText("Revoke e2e script? Whatever uses it gets 401.");
  await row.getByRole("button", { name: "Cancel" }).click();
  expect((await api.get("/api/v1/tokens")).status()).toBe(200);
  await row.getByRole("button", { name: "Revoke API token e2e script" }).click();
  await row.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(row).toContainText("Revoked");
  expect((await api.get("/api/v1/tokens")).status()).toBe(401);
  await api.dispose();
});

test("bindings: a pasted URL binds its host, the dashboard's own host is refused, removing asks first", async ({ page, baseURL }) => {
  await page.goto("/platform/static");
  await page.getByRole("button", { name: "New bucket" }).click();
  await page.getByRole("form", { name: "New bucket" }).getByLabel("Bucket name").fill("ops-site");
  await page.getByRole("button", { name: "Create bucket" }).click();
  await expect(page).toHaveURL(/\?bucket=ops-site$/);

  const form = page.getByRole("form", { name: "Add binding" });
  const bindings = page.getByRole("table", { name: "Host bindings" });
  await form.getByLabel("Hostname or IP").fill("https://ops.e2e.test:8443/blog");
  await form.getByRole("button", { name: "Add binding" }).click();
  await expect(form.getByRole("status")).toHaveText("Bound ops.e2e.test (the host of https://ops.e2e.test:8443/blog).");
  await expect(bindings.getByRole("row").filter({ hasText: "ops.e2e.test" })).toBeVisible();

  await form.getByLabel("Hostname or IP").fill(new URL(baseURL!).host);
  await form.getByRole("button", { name: "Add binding" }).click();
  await expect(form.getByRole("alert")).toHaveText("host: localhost is the dashboard's own host; binding it would hide the dashboard.");
  await form.getByLabel("Hostname or IP").fill("mailto:x");
  await form.getByRole("button", { name: "Add binding" }).click();
  await expect(form.getByRole("alert")).toHaveText('host: "mailto:x" is a mailto: URL, not a host; give a hostname or IP address, e.g. site.example.com.');
  await screenshot(page, "bindings-refused");

  const row = bindings.getByRole("row").filter({ hasText: "ops.e2e.test" });
  await row.getByRole("button", { name: "Remove the binding for ops.e2e.test" }).click();
  await expect(row).toContainText("Stop serving ops.e2e.test?");
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Remove the binding for ops.e2e.test" }).click();
  await row.getByRole("button", { name: "Yes, remove" }).click();
  await expect(row).toHaveCount(0);
  await page.reload();
  await expect(bindings.getByRole("row").filter({ hasText: "ops.e2e.test" })).toHaveCount(0);

  // Leave the server as this spec found it: the storage spec starts from a team with no static bucket.
  const bucket = page.getByRole("table", { name: "Buckets" }).getByRole("row").filter({ hasText: "ops-site" });
  await bucket.getByRole("button", { name: "Delete bucket ops-site" }).click();
  await bucket.getByRole("button", { name: "Yes, delete" }).click();
  await expect(bucket).toHaveCount(0);
});
