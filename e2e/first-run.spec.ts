import { expect, test, type Page } from "@playwright/test";
import { alice, screenshot as shot, signIn as fillSignIn } from "./fixtures";

// One server, one database for the whole file: the tests follow one team's life in order.
test.describe.configure({ mode: "serial" });

const signIn = (page: Page, password: string) => fillSignIn(page, { email: alice.email, password });

test("first run: create the team, get signed in, see the team page", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Set up Lattice" })).toBeVisible();
  await shot(page, "first-run");

  await page.getByLabel("Your name").fill(alice.name);
  await page.getByLabel("Email").fill(alice.email);
  await page.getByLabel("Team name").fill(alice.teamName);
  await page.getByLabel("Password").fill(alice.password);
  await page.getByRole("button", { name: "Create team" }).click();

  await expect(page.getByTestId("bootstrap-token")).toHaveText(/^lat_/);
  await page.getByRole("button", { name: "Continue to dashboard" }).click();

  await expect(page).toHaveURL(/\/team$/);
  await expect(page.getByTestId("team-name")).toHaveText("Atlas");
  const aliceRow = page.getByRole("row").filter({ hasText: alice.email });
  await expect(aliceRow).toContainText("Alice");
  await expect(aliceRow.getByRole("cell").nth(2)).toHaveText("owner");
  await expect(page.getByTestId("topbar-user")).toContainText("Alice");
  await expect(page.getByTestId("connection-dot")).toHaveAttribute("title", "Realtime: not connected yet");

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByText("Platform")).toBeVisible();
  for (const [label, href] of [["KV Store", "/platform/kv"], ["Static", "/platform/static"], ["Team", "/team"], ["Tokens", "/tokens"]]) {
    await expect(nav.getByRole("link", { name: label, exact: true })).toHaveAttribute("href", href);
  }
  await shot(page, "team");

  // The bootstrap token from registration is listed by prefix only.
  await nav.getByRole("link", { name: "Tokens" }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await expect(page.getByRole("row").filter({ hasText: "bootstrap" })).toContainText("lat_");
  await shot(page, "tokens");

  await nav.getByRole("link", { name: "KV Store" }).click();
  await expect(page.getByRole("heading", { name: "KV Store" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("signed out, the dashboard and the first-run page send you to sign in", async ({ page }) => {
  await page.goto("/team");
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/tokens");
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a wrong password shows an error and stays on sign in", async ({ page }) => {
  await page.goto("/signin");
  await signIn(page, "not the password");
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin$/);
});

test("signing in again with the password lands on the team page", async ({ page }) => {
  await page.goto("/signin");
  await shot(page, "signin");
  await signIn(page, alice.password);
  await expect(page).toHaveURL(/\/team$/);
  await expect(page.getByTestId("team-name")).toHaveText("Atlas");
  await expect(page.getByTestId("topbar-user")).toContainText("Alice");
});

test("a second registration is refused with 409", async ({ request }) => {
  const response = await request.post("/api/v1/teams/register", {
    data: { email: "bob@example.com", name: "Bob", teamName: "Other", password: "another password" },
  });
  expect(response.status()).toBe(409);
  expect((await response.json()).error.message).toContain("already has a team");
});
