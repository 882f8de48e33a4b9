import { randomUUID } from 'node:crypto';
import { journey, step, StepFailure } from 'golden-path-prober';
import {
  collectFailedResponses,
  failureForResponse,
  firstVisible,
  onPage,
  openDocument,
} from 'golden-path-prober/browser';

/** After `web.chat.*`: the session is deleted and the token revoked by the page itself, as a user's click does. */
const logOut = onPage(async (page, ctx) => {
  await page.getByRole('button', { name: 'Log out' }).click({ signal: ctx.signal });
  await page.getByText('You have been logged out').waitFor({ signal: ctx.signal });
  if (!new URL(page.url()).pathname.endsWith('/login')) {
    throw new StepFailure('browser', 'logging out did not return to the login page');
  }
});

/**
 * The golden path as a person does it: the web UI's login form, the chat page, a message typed and sent, the
 * assistant's reply to *that* message appearing on screen, then logging out. Selectors are the accessible names a
 * user reads (labels and button names), so a redesign that keeps the words keeps the probe working.
 */
export default journey({
  name: 'golden-path-browser',
  description: 'log in through the web UI, send a chat message and see the reply appear, in a real Chromium',
  capability: 'log in and chat in the web app',
  tags: ['browser', 'golden-path'],
  needs: { browser: true, secrets: ['password'], variables: ['email'] },
  steps: [
    step(
      'web.open',
      { service: 'web', timeoutMs: 10_000, budgetMs: 3_000 },
      onPage(async (page, ctx) => {
        await openDocument(page, `${ctx.target('web')}/login`, ctx.signal);
        await page.getByLabel('Email', { exact: true }).waitFor({ signal: ctx.signal });
      }),
    ),

    step(
      'web.login',
      { service: 'auth', timeoutMs: 10_000, budgetMs: 3_000 },
      onPage(async (page, ctx) => {
        await page.getByLabel('Email', { exact: true }).fill(ctx.variable('email'), { signal: ctx.signal });
        await page.getByLabel('Password', { exact: true }).fill(ctx.secret('password'), { signal: ctx.signal });
        const chat = page.getByRole('heading', { name: 'Chat' });
        const banner = page.getByRole('alert');
        const { value: outcome, failed } = await collectFailedResponses(page, async () => {
          await page.getByRole('button', { name: 'Log in' }).click({ signal: ctx.signal });
          return firstVisible([chat, banner], ctx.signal);
        });
        if (outcome === 1) {
          const shown = ((await banner.textContent()) ?? '').trim();
          const cause = failed[0];
          if (cause !== undefined) throw failureForResponse(cause, shown);
          ctx.fail('assertion', `the login page showed an error instead of the chat: "${shown}"`);
        }
        ctx.vars.set('chatOpen', true);
      }),
    ),

    step(
      'web.chat.send',
      { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 },
      onPage(async (page, ctx) => {
        const nonce = randomUUID();
        ctx.vars.set('nonce', nonce);
        await page.getByLabel('Message', { exact: true }).fill(`golden-path probe ${nonce}`, { signal: ctx.signal });
        // Send stays disabled until the chat WebSocket is ready, and click() waits for it to be enabled.
        await page.getByRole('button', { name: 'Send' }).click({ signal: ctx.signal });
        ctx.vars.set('sentAt', performance.now());
        const mine = page.locator('[data-role="user"][data-acked="true"]', { hasText: nonce });
        // The ack is the backend's answer: wait for it as long as the step allows (timeout 0), so none is a `timeout`.
        await mine.waitFor({ signal: ctx.signal, timeout: 0 });
        const messageNonce = await mine.getAttribute('data-nonce', { signal: ctx.signal });
        if (messageNonce === null || messageNonce === '')
          ctx.fail('browser', 'the sent message has no data-nonce on the page');
        ctx.vars.set('messageNonce', messageNonce);
      }),
    ),

    step(
      'web.chat.reply',
      { service: 'backend', timeoutMs: 20_000, budgetMs: 5_000 },
      onPage(async (page, ctx) => {
        const nonce = ctx.vars.get('nonce');
        const messageNonce = ctx.vars.get('messageNonce');
        const messages = page.getByRole('log', { name: 'Messages' });
        const completed = messages.locator('[data-role="assistant"][data-state="complete"]');
        const banner = page.getByRole('alert');
        const outcome = await firstVisible([completed, banner], ctx.signal);
        ctx.record('replyMs', performance.now() - ctx.vars.get<number>('sentAt'));
        if (outcome === 1) {
          ctx.fail(
            'assertion',
            `the chat page showed an error instead of a reply: "${((await banner.textContent()) ?? '').trim()}"`,
          );
        }
        const ours = messages.locator(`[data-role="assistant"][data-state="complete"][data-nonce="${messageNonce}"]`);
        if ((await ours.count()) === 0)
          ctx.fail('assertion', 'the reply on screen answers a different message (nonce mismatch)');
        const reply = ((await ours.textContent({ signal: ctx.signal })) ?? '').trim();
        if (reply === '') ctx.fail('assertion', 'the assistant reply on screen is empty');
        if (!reply.includes(nonce)) ctx.fail('assertion', 'the reply on screen does not reference the message we sent');
      }),
    ),

    step('web.logout', { service: 'web', timeoutMs: 5_000, always: true }, async (ctx) => {
      // Decided before touching ctx.page: without a chat page (or a browser) there is nothing to clean up.
      if (!ctx.vars.has('chatOpen')) ctx.skip('the chat page was never reached');
      await logOut(ctx);
    }),
  ],
});
