import { randomUUID } from 'node:crypto';
import { expect, say, test } from './chat-fixture.js';

// First: a one-shot fault (`chat.reply=silent#1`) hits its first attempt, and its retry passes.
test.describe('conversation', () => {
  test.describe.configure({ retries: 1 });

  test('answers two messages in a row', { tag: '@chat' }, async ({ chat }) => {
    test.info().annotations.push({ type: 'service', description: 'backend' });
    await test.step('conversation', async () => {
      await test.step('first message', () => say(chat, `first ${randomUUID()}`, expect));
      await test.step('second message', () => say(chat, `second ${randomUUID()}`, expect));
    });
  });
});

test('sends a message and sees the reply', {
  tag: '@smoke',
  annotation: [
    { type: 'service', description: 'web.chat.send=backend' },
    { type: 'service', description: 'web.chat.reply=backend' },
  ],
}, async ({ chat }) => {
  const text = `suite probe ${randomUUID()}`;
  let nonce: string | null = null;
  await test.step('web.chat.send', async () => {
    await chat.getByLabel('Message', { exact: true }).fill(text);
    await chat.getByRole('button', { name: 'Send' }).click();
    const mine = chat.locator('[data-role="user"][data-acked="true"]', { hasText: text });
    await expect(mine).toBeVisible();
    nonce = await mine.getAttribute('data-nonce');
  });
  await test.step('web.chat.reply', async () => {
    const reply = chat.locator(`[data-role="assistant"][data-state="complete"][data-nonce="${nonce}"]`);
    await expect(reply).toBeVisible();
    await expect(reply).toContainText(text);
  });
});

// Last: logging out ends the session the other tests share.
test('logs out', { tag: '@smoke' }, async ({ chat }) => {
  await test.step('web.logout', async () => {
    await chat.getByRole('button', { name: 'Log out' }).click();
    await expect(chat.getByText('You have been logged out')).toBeVisible();
  });
});
