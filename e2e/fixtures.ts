import type { Page } from "@playwright/test";

/** The team's owner, registered through the UI by first-run.spec.ts. */
export const alice = { name: "Alice", email: "alice@example.com", teamName: "Atlas", password: "correct horse battery" };

export async function screenshot(page: Page, name: string) {
  // From the top: a full-page capture otherwise draws the sticky sidebar at the scroll offset.
  await page.evaluate(() => window.scrollTo(0, 0));
  return page.screenshot({ path: `.test-output/screenshots/${name}.png`, fullPage: true });
}

/** Fills the sign-in form on the current page. */
export async function signIn(page: Page, { email, password }: { email: string; password: string }) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
