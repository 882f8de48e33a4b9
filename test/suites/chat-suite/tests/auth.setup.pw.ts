import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test as setup } from '@playwright/test';

setup('log in', async ({ page }) => {
  setup.info().annotations.push({ type: 'service', description: 'web.login=auth' });
  await setup.step('web.open', async () => {
    const response = await page.goto('/login');
    expect(response?.ok(), `GET /login answered ${response?.status()}`).toBe(true);
    await expect(page.getByLabel('Email', { exact: true })).toBeVisible();
  });
  await setup.step('web.login', async () => {
    await page.getByLabel('Email', { exact: true }).fill(process.env.E2E_EMAIL ?? '');
    await page.getByLabel('Password', { exact: true }).fill(process.env.E2E_PASSWORD ?? '');
    await page.getByRole('button', { name: 'Log in' }).click();
    // The chat page, or the login page's error banner: whichever comes first, so a refused login fails at once.
    const chat = page.getByRole('heading', { name: 'Chat' });
    const banner = page.getByRole('alert');
    await expect(chat.or(banner)).toBeVisible({ timeout: 10_000 });
    if (await banner.isVisible()) throw new Error(`the login page said: ${await banner.textContent()}`);
  });
  // The app keeps its token in sessionStorage, which storageState does not save: kept next to it, as Playwright's
  // docs suggest, and put back by the specs' fixture.
  mkdirSync('.auth', { recursive: true });
  await page.context().storageState({ path: '.auth/user.json' });
  const token = await page.evaluate(() => sessionStorage.getItem('sandbox.token'));
  writeFileSync('.auth/session.json', JSON.stringify({ token, url: page.url() }));
});
