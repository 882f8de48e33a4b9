import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test as setup } from '@playwright/test';

setup('log in', async ({ page }) => {
  setup.info().annotations.push({ type: 'service', description: 'web.login=auth' });
  await setup.step('web.open', async () => {
    await page.goto('/login');
    await expect(page.getByLabel('Email', { exact: true })).toBeVisible();
  });
  await setup.step('web.login', async () => {
    await page.getByLabel('Email', { exact: true }).fill(process.env.E2E_EMAIL ?? '');
    await page.getByLabel('Password', { exact: true }).fill(process.env.E2E_PASSWORD ?? '');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('heading', { name: 'Chat' })).toBeVisible({ timeout: 10_000 });
  });
  // The app keeps its token in sessionStorage, which storageState does not save: kept next to it, as Playwright's
  // docs suggest, and put back by the specs' fixture.
  mkdirSync('.auth', { recursive: true });
  await page.context().storageState({ path: '.auth/user.json' });
  const token = await page.evaluate(() => sessionStorage.getItem('sandbox.token'));
  writeFileSync('.auth/session.json', JSON.stringify({ token, url: page.url() }));
});
