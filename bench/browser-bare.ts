import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';

/**
 * The baseline: the same clicks as probes/golden-path-browser.ts written straight against Playwright, with no
 * runner, deadlines, evidence, error translation or artifacts. A fresh context per journey, as the prober does.
 */
export async function bareBrowserJourney(
  browser: Browser,
  web: string,
  email: string,
  password: string,
): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${web}/login`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Chat' }).waitFor();
    const nonce = randomUUID();
    await page.getByLabel('Message', { exact: true }).fill(`golden-path probe ${nonce}`);
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.getByRole('log', { name: 'Messages' }).locator('[data-role="assistant"][data-state="complete"]');
    await reply.waitFor();
    if (!((await reply.textContent()) ?? '').includes(nonce)) throw new Error('reply does not reference our message');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You have been logged out').waitFor();
  } finally {
    await context.close();
  }
}
