// The browser baseline: the clicks of probes/golden-path-browser.ts written straight against Playwright (the same
// playwright-core the prober uses) in a process of its own, as a user's own script would be: launch Chromium, one
// context and page, log in, send a message, see the reply, log out, close. No runner, deadlines, evidence or reports.
// Usage: node bench/browser-bare-script.mjs WEB_URL EMAIL CHROMIUM_PATH   (password from BENCH_PASSWORD)
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';

const [web, email, executablePath] = process.argv.slice(2);
const password = process.env.BENCH_PASSWORD ?? '';
// As root Chromium cannot use its sandbox; anyone else keeps it (the prober does the same).
const isRoot = process.getuid?.() === 0;
const browser = await chromium.launch({
  executablePath,
  args: isRoot ? ['--no-sandbox'] : [],
  chromiumSandbox: !isRoot,
});
try {
  const context = await browser.newContext();
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
  if (!((await reply.textContent()) ?? '').includes(nonce)) throw new Error('the reply does not reference our message');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have been logged out').waitFor();
  await context.close();
} finally {
  await browser.close();
}
