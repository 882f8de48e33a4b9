import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runPage, type FakePage } from './fake-dom.js';
import { USER, call } from './helpers.js';
import { poll } from '../support/poll.js';

/** Waits on a condition the page's own event handlers will make true; bounded so a broken page fails. */
async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await poll(what, () => (check() ? true : undefined), { timeoutMs, everyMs: 0 });
}

describe('web UI scripts against the real sandbox', () => {
  let sb: Sandbox;
  const pages: FakePage[] = [];
  beforeAll(async () => {
    sb = await startSandbox({ users: [USER] });
  });
  afterEach(() => {
    sb.faults.clear();
    for (const page of pages.splice(0)) for (const ws of page.sockets) ws.terminate();
  });
  afterAll(() => sb.close());

  const loginPage = async (search = ''): Promise<FakePage> => {
    const page = runPage((await call('GET', `${sb.urls.web}/login`)).text, search);
    pages.push(page);
    page.element('email').value = USER.email;
    page.element('password').value = USER.password;
    return page;
  };
  const submit = (page: FakePage) => page.element('login-form').dispatch('submit', { preventDefault: () => undefined });

  it('logs in, creates a chat session, chats with streamed replies and logs out', async () => {
    const login = await loginPage();
    await submit(login);
    expect(login.element('error').hidden).toBe(true);
    const target = login.navigations[0] ?? '';
    expect(target).toMatch(/^\/chat\?session_id=[0-9a-f-]{36}$/);
    const sessionId = target.split('=')[1] ?? '';
    expect(sb.chatSessions().map((s) => s.id)).toContain(sessionId);

    const chat = runPage((await call('GET', `${sb.urls.web}/chat`)).text, `?session_id=${sessionId}`, login.storage);
    pages.push(chat);
    await until(() => chat.element('status').textContent === 'Connected', 'the ready event');
    expect(chat.element('send').disabled).toBe(false);
    chat.element('message').value = 'hello from the browser';
    await chat.element('send-form').dispatch('submit', { preventDefault: () => undefined });
    const log = chat.element('log');
    const user = log.children[0];
    expect(user?.dataset.role).toBe('user');
    const nonce = user?.dataset.nonce ?? '';
    await until(
      () => log.children.some((c) => c.dataset.role === 'assistant' && c.dataset.state === 'complete'),
      'the reply',
    );
    const reply = log.children.find((c) => c.dataset.role === 'assistant');
    expect(reply?.dataset.nonce).toBe(nonce);
    expect(reply?.textContent).toContain(nonce);
    expect(user?.dataset.acked).toBe('true');

    await chat.element('logout').dispatch('click', {});
    expect(chat.navigations).toEqual(['/login?logged_out=1']);
    expect(sb.chatSessions().map((s) => s.id)).not.toContain(sessionId);
    expect(chat.storage.has('sandbox.token')).toBe(false);
    expect(chat.element('error').hidden).toBe(true);

    const loggedOut = await loginPage('?logged_out=1');
    expect(loggedOut.element('notice').textContent).toBe('You have been logged out');
  });

  it.each([
    ['auth.token=http500', 'Login failed: 500'],
    ['auth.token=malformed', 'Login failed: invalid response'],
    ['auth.token=schema', 'Login failed: no access token'],
    ['auth.token=reset', 'Login failed: network error'],
    ['session.create=http500', 'Could not start a chat: 500'],
  ])('shows the failure of %s in the alert region', async (fault, message) => {
    sb.faults.set(fault);
    const page = await loginPage();
    await submit(page);
    expect(page.element('error').hidden).toBe(false);
    expect(page.element('error').textContent).toBe(message);
    expect(page.navigations).toEqual([]);
  });

  it('reports a chat connection closed by a fault', async () => {
    const login = await loginPage();
    await submit(login);
    sb.faults.set('chat.send=close');
    const chat = runPage(
      (await call('GET', `${sb.urls.web}/chat`)).text,
      `?${(login.navigations[0] ?? '').split('?')[1]}`,
      login.storage,
    );
    pages.push(chat);
    await until(() => chat.element('status').textContent === 'Connected', 'the ready event');
    chat.element('message').value = 'hi';
    await chat.element('send-form').dispatch('submit', { preventDefault: () => undefined });
    await until(() => !chat.element('error').hidden, 'the error');
    expect(chat.element('error').textContent).toBe('Connection closed: 1011');
  });
});
