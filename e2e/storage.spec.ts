import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { alice, screenshot, signIn } from "./fixtures";

// Runs after first-run.spec.ts on the same server and team; Alice is the owner (`*`).
test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => {
  await page.goto("/signin");
  await signIn(page, alice);
  await expect(page).toHaveURL(/\/team$/);
});

const INDEX_HTML = "<h1>Hello from Lattice</h1>";
const NOT_FOUND_HTML = "<h1>Nothing here</h1>";

/** A request context that talks to this server as if it were `host` (a bound hostname). */
async function asHost(playwright: { request: { newContext: (options: object) => Promise<APIRequestContext> } }, baseURL: string, host: string, token?: string) {
  return playwright.request.newContext({ baseURL, extraHTTPHeaders: { Host: host, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
}

async function createBucket(page: Page, name: string) {
  await page.getByRole("button", { name: "New bucket" }).click();
  await page.getByRole("form", { name: "New bucket" }).getByLabel("Bucket name").fill(name);
  await page.getByRole("button", { name: "Create bucket" }).click();
  await expect(page).toHaveURL(new RegExp(`\\?bucket=${name}$`));
  await expect(page.getByRole("combobox", { name: "Bucket", exact: true })).toHaveValue(name);
}

async function upload(page: Page, name: string, content: string) {
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  const form = page.getByRole("form", { name: "Upload file" });
  await form.getByLabel("File").setInputFiles({ name, mimeType: "text/html", buffer: Buffer.from(content) });
  await expect(form.getByLabel("Target path")).toHaveValue(name);
  await form.getByRole("button", { name: "Upload" }).click();
  const panel = page.getByTestId("static-file");
  await expect(panel.getByRole("heading", { name })).toBeVisible();
  await expect(panel.getByTestId("static-preview")).toHaveText(content);
}

async function bind(page: Page, host: string, bucket: string) {
  const form = page.getByRole("form", { name: "Add binding" });
  await form.getByLabel("Hostname or IP").fill(host);
  await form.getByLabel("Binding bucket").selectOption(bucket);
  await form.getByRole("button", { name: "Add binding" }).click();
  await expect(page.getByRole("table", { name: "Host bindings" }).getByRole("row").filter({ hasText: host })).toBeVisible();
}

test("a static bucket: upload files, bind a host, and the host serves them", async ({ page, baseURL, playwright }) => {
  await page.getByRole("link", { name: "Static" }).click();
  await expect(page.getByRole("heading", { name: "Static", level: 1 })).toBeVisible();
  await expect(page.getByTestId("no-buckets")).toBeVisible();

  await createBucket(page, "site");
  await upload(page, "index.html", INDEX_HTML);
  await expect(page.getByTestId("static-content-type")).toHaveText("text/html; charset=utf-8");
  await expect(page.getByTestId("static-size")).toHaveText(`${INDEX_HTML.length} B`);
  await upload(page, "404.html", NOT_FOUND_HTML);

  const files = page.getByRole("list", { name: "Files" }).getByRole("listitem");
  await expect(files).toHaveText([
    `404.htmltext/html; charset=utf-8 · ${NOT_FOUND_HTML.length} B`,
    `index.htmltext/html; charset=utf-8 · ${INDEX_HTML.length} B`,
  ]);
  await page.getByLabel("Filter by prefix").fill("ind");
  await expect(files).toHaveCount(1);
  await expect(files.first()).toContainText("index.html");
  await page.getByLabel("Filter by prefix").fill("");
  await expect(files).toHaveCount(2);

  await bind(page, "site.e2e.test", "site");
  const site = await asHost(playwright, baseURL!, "site.e2e.test");
  const root = await site.get("/");
  expect(root.status()).toBe(200);
  expect(root.headers()["content-type"]).toContain("text/html");
  expect(await root.text()).toBe(INDEX_HTML);
  const missing = await site.get("/missing");
  expect(missing.status()).toBe(404);
  expect(await missing.text()).toBe(NOT_FOUND_HTML);

  // The file panel links to the bound host; the buckets table counts the binding.
  await files.filter({ hasText: "index.html" }).click();
  await expect(page.getByTestId("static-file").getByRole("link", { name: /Open/ })).toHaveAttribute("href", new RegExp(`^http://site\\.e2e\\.test:${new URL(baseURL!).port}/$`));
  const bucketRow = page.getByRole("table", { name: "Buckets" }).getByRole("row").filter({ hasText: "site" });
  await expect(bucketRow.getByRole("cell").nth(2)).toHaveText("1");
  await screenshot(page, "storage-static");

  // A disabled binding answers 404 without serving the bucket.
  const toggle = page.getByRole("switch", { name: "Serve site.e2e.test" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect.poll(async () => (await site.get("/")).status()).toBe(404);
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect.poll(async () => (await site.get("/")).status()).toBe(200);
  await site.dispose();
});

test("deleting a bound bucket shows the server's refusal and offers to delete anyway", async ({ page }) => {
  await page.goto("/platform/static");
  await createBucket(page, "old-site");
  await bind(page, "old.e2e.test", "old-site");

  const row = page.getByRole("table", { name: "Buckets" }).getByRole("row").filter({ hasText: "old-site" });
  await row.getByRole("button", { name: "Delete bucket old-site" }).click();
  await row.getByRole("button", { name: "Yes, delete" }).click();
  await expect(row.getByRole("alert")).toHaveText(/Bucket "old-site" is still bound to old\.e2e\.test/);
  await screenshot(page, "storage-delete-bound-bucket");
  await row.getByRole("button", { name: "Delete anyway" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Host bindings" }).getByRole("row").filter({ hasText: "old.e2e.test" })).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: "Bucket", exact: true })).toHaveValue("site");
});

test("a KV bucket: edit a key, bind a host, and a read token reads it until revoked", async ({ page, baseURL, playwright }) => {
  await page.getByRole("link", { name: "KV Store" }).click();
  await expect(page.getByRole("heading", { name: "KV Store", level: 1 })).toBeVisible();
  await createBucket(page, "config");

  await page.getByRole("button", { name: "New key" }).click();
  const newKey = page.getByTestId("kv-new-key");
  await newKey.getByLabel("Key").fill("site-title");
  await newKey.getByLabel("Value (JSON)").fill('"Lattice');
  await expect(newKey.getByRole("alert")).toContainText("Not valid JSON");
  await expect(newKey.getByRole("button", { name: "Create key" })).toBeDisabled();
  await newKey.getByLabel("Value (JSON)").fill('"Lattice"');
  await newKey.getByRole("button", { name: "Create key" }).click();

  const entry = page.getByTestId("kv-entry");
  await expect(entry.getByRole("heading", { name: "site-title" })).toBeVisible();
  await expect(entry.getByTestId("kv-version")).toHaveText("1");
  await expect(entry.getByLabel("Value (JSON)")).toHaveValue('"Lattice"');
  await entry.getByLabel("Value (JSON)").fill('{"title": "Lattice", "tagline": "Shared memory"}');
  await entry.getByRole("button", { name: "Save" }).click();
  await expect(entry.getByRole("status")).toHaveText("Saved (version 2).");
  // The value as typed: the editor shows the stored JSON text, not a re-formatted copy.
  await expect(entry.getByLabel("Value (JSON)")).toHaveValue('{"title": "Lattice", "tagline": "Shared memory"}');
  await expect(page.getByRole("list", { name: "Keys" }).getByRole("listitem")).toHaveCount(1);

  await bind(page, "kv.e2e.test", "config");
  const tokenForm = page.getByRole("form", { name: "Create access token" });
  await tokenForm.getByLabel("Label").fill("e2e reader");
  await expect(tokenForm.getByLabel("Access")).toHaveValue("read");
  await expect(tokenForm.getByRole("checkbox", { name: "config" })).toBeChecked();
  await tokenForm.getByRole("button", { name: "Create token" }).click();
  const panel = page.getByTestId("storage-token-panel");
  const secretCell = panel.getByTestId("storage-token");
  await expect(secretCell).toHaveText(/^lst_/);
  const secret = (await secretCell.textContent())!;
  await expect(panel.getByTestId("storage-token-example")).toContainText(
    `curl -H "Authorization: Bearer $LATTICE_STORAGE_TOKEN" http://kv.e2e.test:${new URL(baseURL!).port}/<key>`,
  );
  await screenshot(page, "storage-kv-token");

  const kv = await asHost(playwright, baseURL!, "kv.e2e.test", secret);
  const read = await kv.get("/site-title");
  expect(read.status()).toBe(200);
  expect(await read.json()).toMatchObject({ key: "site-title", value: { title: "Lattice", tagline: "Shared memory" } });
  const write = await kv.put("/site-title", { data: { value: "nope" } });
  expect(write.status()).toBe(403);

  await page.reload();
  await expect(panel).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  const tokenRow = page.getByRole("table", { name: "Access tokens" }).getByRole("row").filter({ hasText: "e2e reader" });
  await expect(tokenRow).toContainText(`${secret.slice(0, 10)}…`);
  await expect(tokenRow.getByRole("cell").nth(4)).toHaveText("alice@example.com"); // Created by
  await expect(tokenRow.getByRole("cell").nth(7)).toHaveText("active");
  await screenshot(page, "storage-kv");

  await tokenRow.getByRole("button", { name: "Revoke" }).click();
  await tokenRow.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(tokenRow.getByRole("cell").nth(7)).toHaveText("revoked");
  await expect.poll(async () => (await kv.get("/site-title")).status()).toBe(401);
  await kv.dispose();

  // Deleting the key from the editor.
  await page.getByRole("list", { name: "Keys" }).getByRole("button", { name: /site-title/ }).click();
  await entry.getByRole("button", { name: "Delete" }).click();
  await entry.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByRole("list", { name: "Keys" }).getByRole("listitem")).toHaveCount(0);
});

test("a KV key keeps its TTL through an edit, and its value round-trips exactly (big numbers, key order)", async ({ page }) => {
  await page.goto("/platform/kv?bucket=config");
  await page.getByRole("button", { name: "New key" }).click();
  const newKey = page.getByTestId("kv-new-key");
  await newKey.getByLabel("Key").fill("session");
  await newKey.getByLabel("Value (JSON)").fill("12345678901234567890");
  await newKey.getByLabel("TTL seconds").fill("7200");
  await newKey.getByRole("button", { name: "Create key" }).click();

  const entry = page.getByTestId("kv-entry");
  await expect(entry.getByTestId("kv-version")).toHaveText("1");
  await expect(entry.getByLabel("Value (JSON)")).toHaveValue("12345678901234567890");
  const timeLeft = /^in (1 h 59 min|2 h) \(/;
  await expect(entry.getByTestId("kv-expires")).toHaveText(timeLeft);
  await expect(entry.getByTestId("kv-ttl-hint")).toHaveText(/^Leave the TTL empty to keep the current expiry \(expires in (1 h 59 min|2 h)\)\.$/);

  const edited = '{"z": 12345678901234567890, "a": [1.50, "\\u0000"]}';
  await entry.getByLabel("Value (JSON)").fill(edited);
  await entry.getByRole("button", { name: "Save" }).click();
  await expect(entry.getByRole("status")).toHaveText("Saved (version 2).");
  await expect(entry.getByLabel("Value (JSON)")).toHaveValue(edited);
  await expect(entry.getByTestId("kv-expires")).toHaveText(timeLeft);
  const stored = await page.request.get("/api/v1/kv/buckets/config/keys/session");
  expect(await stored.text()).toContain(`"value":${edited},"valueText":${JSON.stringify(edited)},`);
  expect(new Date((await stored.json()).expiresAt).getTime()).toBeGreaterThan(Date.now() + 7000 * 1000);

  await entry.getByRole("checkbox", { name: "Remove expiry" }).check();
  await entry.getByRole("button", { name: "Save" }).click();
  await expect(entry.getByRole("status")).toHaveText("Saved (version 3).");
  await expect(entry.getByTestId("kv-expires")).toHaveText("Never");
  await expect(entry.getByLabel("Value (JSON)")).toHaveValue(edited);
  expect((await (await page.request.get("/api/v1/kv/buckets/config/keys/session")).json()).expiresAt).toBeNull();

  await entry.getByRole("button", { name: "Delete" }).click();
  await entry.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByRole("list", { name: "Keys" }).getByRole("listitem")).toHaveCount(0);
});

test("a plain member (kv:write) edits contents but sees no bucket, binding or token controls", async ({ page, browser, baseURL }) => {
  const erin = { email: "erin@example.com", password: "erin's long password" };
  const invitation = await page.request.post("/api/v1/teams/invitations", { data: { inviteeEmail: erin.email } });
  expect(invitation.status()).toBe(201);
  const { token } = await invitation.json();
  expect((await page.request.post("/api/v1/teams/join", { data: { token, email: erin.email, name: "Erin", password: erin.password } })).status()).toBe(201);

  const erinContext = await browser.newContext({ baseURL });
  const erinPage = await erinContext.newPage();
  await erinPage.goto("/signin");
  await signIn(erinPage, erin);
  await expect(erinPage).toHaveURL(/\/team$/);
  await erinPage.goto("/platform/kv?bucket=config");
  await expect(erinPage.getByRole("combobox", { name: "Bucket", exact: true })).toHaveValue("config");
  await expect(erinPage.getByRole("button", { name: "New key" })).toBeVisible();
  await expect(erinPage.getByRole("button", { name: "New bucket" })).toHaveCount(0);
  await expect(erinPage.getByRole("table", { name: "Buckets" }).getByRole("button")).toHaveCount(0);
  await expect(erinPage.getByRole("heading", { name: "Host bindings" })).toHaveCount(0);
  await expect(erinPage.getByRole("heading", { name: "Access tokens" })).toHaveCount(0);
  await expect(erinPage.getByTestId("admin-needed")).toContainText("kv:admin");
  await screenshot(erinPage, "storage-kv-member");
  // The server refuses anyway.
  expect((await erinPage.request.get("/api/v1/bindings?surface=kv")).status()).toBe(403);
  await erinContext.close();

  // Leave the team as team.spec.ts expects it.
  expect((await page.request.post("/api/v1/teams/kick", { data: { email: erin.email } })).status()).toBe(200);
});

test("the dashboard uploads raw bytes: a 25 MiB file round-trips byte-identical, and the same bytes again change nothing", async ({ page, baseURL, playwright }) => {
  test.setTimeout(180_000);
  const { createHash, randomBytes } = await import("node:crypto");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const bytes = randomBytes(25 * 1024 * 1024);
  // A file on disk: the browser reads it itself (a 25 MiB buffer through the protocol is very slow).
  const file = test.info().outputPath("upload", "big.bin");
  mkdirSync(test.info().outputPath("upload"), { recursive: true });
  writeFileSync(file, bytes);
  const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
  await page.goto("/platform/static");
  await createBucket(page, "big");
  await bind(page, "big.e2e.test", "big");

  const choose = async () => {
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const form = page.getByRole("form", { name: "Upload file" });
    await form.getByLabel("File").setInputFiles(file);
    await expect(form.getByLabel("Target path")).toHaveValue("big.bin");
    return form;
  };
  let form = await choose();
  const sent = page.waitForRequest((request) => request.method() === "PUT" && request.url().endsWith("/api/v1/static/buckets/big/files/big.bin"));
  await form.getByRole("button", { name: "Upload" }).click();
  // The raw path: the file's bytes as the body, not base64 in JSON.
  expect((await sent).headers()["content-type"]).toBe("application/octet-stream");
  await expect(page.getByTestId("static-file").getByRole("heading", { name: "big.bin" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("static-size")).toHaveText("25.0 MB (26,214,400 bytes)");

  const host = await asHost(playwright, baseURL!, "big.e2e.test");
  const served = await host.get("/big.bin");
  expect(served.status()).toBe(200);
  expect(sha256(await served.body())).toBe(sha256(bytes));
  await host.dispose();

  form = await choose();
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(form.getByRole("status")).toHaveText(/^No changes: big\.bin already has this content \(deploy [0-9a-f]{8}\)\.$/, { timeout: 120_000 });
});
