import { defineConfig } from '@playwright/test';

/**
 * A team's own Playwright suite for the sandbox web app, as such suites are written: a `setup` project that logs in
 * and saves the session, a dependent project of specs with test.step()s, tags and one describe with retries.
 * Debian's Chromium through launchOptions (no `npx playwright install` on this machine).
 */
export default defineConfig({
  testDir: 'tests',
  testMatch: /.*\.pw\.ts$/,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: 'list',
  use: {
    baseURL: process.env.WEB_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.pw\.ts$/ },
    {
      name: 'chat',
      dependencies: ['setup'],
      testIgnore: /auth\.setup\.pw\.ts$/,
      use: { storageState: '.auth/user.json' },
    },
  ],
});
