import { readFileSync } from 'node:fs';
import { test as base, type Page } from '@playwright/test';

/** `chat`: the chat page of the session the setup project opened. */
export const test = base.extend<{ chat: Page }>({
  chat: async ({ page }, use) => {
    const { token, url } = JSON.parse(readFileSync('.auth/session.json', 'utf8')) as { token: string; url: string };
    await page.addInitScript((t) => sessionStorage.setItem('sandbox.token', t), token);
    await page.goto(url);
    await use(page);
  },
});
export { expect } from '@playwright/test';

/** Sends one message and waits for the assistant's completed reply to it. */
export async function say(page: Page, text: string, expect: typeof import('@playwright/test').expect): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  const mine = page.locator('[data-role="user"][data-acked="true"]', { hasText: text });
  await expect(mine).toBeVisible();
  const nonce = await mine.getAttribute('data-nonce');
  const reply = page.locator(`[data-role="assistant"][data-state="complete"][data-nonce="${nonce}"]`);
  await expect(reply).toBeVisible();
  await expect(reply).toContainText(text);
}
