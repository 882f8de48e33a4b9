import { test } from '@playwright/test';

test('hangs @hang', async ({ page }) => {
  await test.step('wait forever', async () => {
    await page.goto('/login');
    await page.waitForTimeout(1e9);
  });
});
