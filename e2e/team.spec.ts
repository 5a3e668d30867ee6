import { expect, test, type Page } from "@playwright/test";
import { alice, screenshot, signIn } from "./fixtures";

// Runs after first-run.spec.ts (the "dashboard" project depends on it) on the same server and team.
test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => {
  await page.goto("/signin");
  await signIn(page, alice);
  await expect(page).toHaveURL(/\/team$/);
});

const membersTable = (page: Page) => page.getByRole("table", { name: "Members" });
const pendingTable = (page: Page) => page.getByRole("table", { name: "Pending invitations" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

async function invite(page: Page, email: string, options: { role?: "Member" | "Admin"; expires?: "1 day" | "7 days" | "30 days" } = {}) {
  const form = page.getByRole("form", { name: "Invite by email" });
  await form.getByLabel("Email").fill(email);
  if (options.role) await form.getByLabel("Role").selectOption({ label: options.role });
  if (options.expires) await form.getByLabel("Expires in").selectOption({ label: options.expires });
  await form.getByRole("button", { name: "Send invite" }).click();
}

async function shownToken(page: Page): Promise<string> {
  const token = page.getByTestId("invitation-token");
  await expect(token).toHaveText(/^latinv_/);
  return (await token.textContent())!;
}

test("an invitation's token is shown once, then only its prefix; revoking it empties the list", async ({ page, context, baseURL, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await expect(page.getByTestId("no-invitations")).toBeVisible();

  await invite(page, "bob@example.com", { expires: "1 day" });
  const panel = page.getByTestId("invitation-token-panel");
  await expect(panel).toContainText("Share this token with the invitee (one-time use)");
  const token = await shownToken(page);
  await expect(panel.getByTestId("invitation-token-example")).toHaveText(`lattice teams join --cloud ${baseURL} --token ${token} --email bob@example.com`);
  await expect(page.getByTestId("invitation-link")).toHaveText(`${baseURL}/join#token=${token}`);
  await panel.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(panel.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  // The pending list refreshes without a reload, next to the still visible token.
  const bobRow = pendingTable(page).getByRole("row").filter({ hasText: "bob@example.com" });
  await expect(bobRow.getByRole("cell")).toHaveText(["bob@example.com", "member", `${token.slice(0, 13)}…`, alice.email, new RegExp(dateOnly.format(Date.now() + 86_400_000)), "Revoke"]);
  await expect(page.getByRole("form", { name: "Invite by email" }).getByLabel("Email")).toHaveValue("");
  await screenshot(page, "team-invitation-token");

  await page.reload();
  await expect(bobRow).toBeVisible();
  await expect(panel).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await screenshot(page, "team-pending-invitation");

  // Revoking asks first; Cancel keeps the invitation.
  await bobRow.getByRole("button", { name: "Revoke" }).click();
  await expect(bobRow).toContainText("Revoke the invitation for bob@example.com?");
  await screenshot(page, "team-revoke-invitation-confirm");
  await bobRow.getByRole("button", { name: "Cancel" }).click();
  await expect(bobRow.getByRole("button", { name: "Revoke" })).toBeVisible();
  await bobRow.getByRole("button", { name: "Revoke" }).click();
  await bobRow.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByTestId("no-invitations")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("no-invitations")).toBeVisible();

  const join = await request.post("/api/v1/teams/join", { data: { token, email: "bob@example.com", name: "Bob" } });
  expect(join.status()).toBe(403);
  expect((await join.json()).error.message).toContain("revoked");
});

test("an invitee who joined is listed; an owner changes their role and removes them", async ({ page, request }) => {
  await invite(page, "carol@example.com");
  const token = await shownToken(page);
  const join = await request.post("/api/v1/teams/join", { data: { token, email: "carol@example.com", name: "Carol" } });
  expect(join.status()).toBe(201);

  await page.reload();
  const carolRow = membersTable(page).getByRole("row").filter({ hasText: "carol@example.com" });
  await expect(carolRow.getByRole("cell").first()).toHaveText("Carol");
  await expect(page.getByTestId("no-invitations")).toBeVisible();
  // Nobody removes or demotes themselves from here.
  const aliceRow = membersTable(page).getByRole("row").filter({ hasText: alice.email });
  await expect(aliceRow.getByRole("button")).toHaveCount(0);
  await expect(aliceRow.getByRole("combobox")).toHaveCount(0);

  await carolRow.getByLabel("Role of carol@example.com").selectOption("admin");
  await expect(carolRow.getByLabel("Role of carol@example.com")).toBeEnabled();
  await page.reload();
  await expect(carolRow.getByLabel("Role of carol@example.com")).toHaveValue("admin");

  // Making someone an owner asks first; Cancel leaves the role as it was, on the server too.
  await carolRow.getByLabel("Role of carol@example.com").selectOption("owner");
  await expect(carolRow).toContainText("Make carol@example.com an owner?");
  await carolRow.getByRole("button", { name: "Cancel" }).click();
  await expect(carolRow.getByLabel("Role of carol@example.com")).toHaveValue("admin");
  await page.reload();
  await expect(carolRow.getByLabel("Role of carol@example.com")).toHaveValue("admin");

  await carolRow.getByRole("button", { name: "Remove" }).click();
  await expect(carolRow).toContainText("Remove Carol?");
  await screenshot(page, "team-remove-confirm");
  await carolRow.getByRole("button", { name: "Cancel" }).click();
  await carolRow.getByRole("button", { name: "Remove" }).click();
  await carolRow.getByRole("button", { name: "Yes, remove" }).click();
  await expect(carolRow).toHaveCount(0);
  await page.reload();
  await expect(carolRow).toHaveCount(0);
  await expect(membersTable(page).getByRole("row")).toHaveCount(2); // header + Alice
});

test("the invite form shows the server's errors inline", async ({ page }) => {
  const form = page.getByRole("form", { name: "Invite by email" });
  const error = form.getByRole("alert");

  // The browser accepts an address without a dot in the domain; the server does not.
  await invite(page, "bob@localhost");
  await expect(error).toHaveText("inviteeEmail: email is not a valid address");
  await expect(page.getByTestId("invitation-token-panel")).toHaveCount(0);

  await invite(page, alice.email);
  await expect(error).toHaveText(`${alice.email} is already a member of "Atlas".`);
  await expect(page.getByTestId("invitation-token-panel")).toHaveCount(0);
  await expect(page.getByTestId("no-invitations")).toBeVisible();
  await expect(form.getByLabel("Email")).toHaveValue(alice.email);
});

test("a plain member sees the team but no manager controls, and the server refuses them anyway", async ({ page, browser, baseURL, request }) => {
  const dave = { email: "dave@example.com", password: "dave's long password" };
  await invite(page, dave.email);
  const token = await shownToken(page);
  expect((await request.post("/api/v1/teams/join", { data: { token, email: dave.email, name: "Dave", password: dave.password } })).status()).toBe(201);

  const daveContext = await browser.newContext({ baseURL });
  const davePage = await daveContext.newPage();
  await davePage.goto("/signin");
  await signIn(davePage, dave);
  await expect(davePage).toHaveURL(/\/team$/);
  await expect(membersTable(davePage).getByRole("row").filter({ hasText: alice.email })).toBeVisible();
  await expect(membersTable(davePage).getByRole("button")).toHaveCount(0);
  await expect(membersTable(davePage).getByRole("combobox")).toHaveCount(0);
  await expect(davePage.getByRole("heading", { name: "Invite by email" })).toHaveCount(0);
  await expect(davePage.getByRole("heading", { name: "Pending invitations" })).toHaveCount(0);

  expect((await davePage.request.get("/api/v1/teams/invitations")).status()).toBe(403);
  expect((await davePage.request.post("/api/v1/teams/kick", { data: { email: alice.email } })).status()).toBe(403);
  await daveContext.close();
});

test("an invitee joins in the browser from the invitation link and lands signed in", async ({ page, browser, baseURL }) => {
  await invite(page, "erin@example.com");
  const link = (await page.getByTestId("invitation-link").textContent())!;
  expect(link).toMatch(new RegExp(`^${baseURL}/join#token=latinv_`));

  const erinContext = await browser.newContext({ baseURL });
  const erinPage = await erinContext.newPage();
  await erinPage.goto(link);
  const form = erinPage.getByRole("form", { name: "Join the team" });
  const fill = async (email: string, password: string, confirm = password) => {
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Your name").fill("Erin");
    // By name: the password field's label also holds its hint, and "Confirm password" contains "password".
    await form.locator('input[name="password"]').fill(password);
    await form.locator('input[name="confirm"]').fill(confirm);
    await form.getByRole("button", { name: "Join team" }).click();
  };
  // Mistakes are shown and change nothing: a typo in the confirmation, another address.
  await fill("erin@example.com", "erin's long password", "erin's other password");
  await expect(form.getByRole("alert")).toHaveText("The two passwords do not match.");
  await fill("mallory@example.com", "erin's long password");
  await expect(form.getByRole("alert")).toHaveText("This invitation is bound to a different email address.");
  await screenshot(erinPage, "join-wrong-email");

  await fill("erin@example.com", "erin's long password");
  await expect(erinPage).toHaveURL(/\/team$/);
  await expect(membersTable(erinPage).getByRole("row").filter({ hasText: "erin@example.com" })).toContainText("(you)");
  await screenshot(erinPage, "join-signed-in");

  // The link is spent: opening it again says so.
  const again = await browser.newContext({ baseURL });
  const againPage = await again.newPage();
  await againPage.goto(link);
  await againPage.getByLabel("Email").fill("erin@example.com");
  await againPage.getByLabel("Your name").fill("Erin");
  await againPage.locator('input[name="password"]').fill("erin's long password");
  await againPage.locator('input[name="confirm"]').fill("erin's long password");
  await againPage.getByRole("button", { name: "Join team" }).click();
  await expect(againPage.getByRole("form", { name: "Join the team" }).getByRole("alert")).toHaveText("This invitation has already been used.");

  await againPage.goto("/join");
  // (Next's route announcer is an alert too.)
  await expect(againPage.getByRole("alert").filter({ hasText: "This link has no invitation token." })).toBeVisible();
  await screenshot(againPage, "join-no-token");
  await again.close();
  await erinContext.close();
});
