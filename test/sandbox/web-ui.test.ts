import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { USER, call } from './helpers.js';

/** Inline scripts, so a syntax error in the page (which no HTTP test would notice) fails here. */
function scriptsOf(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
}

describe('web UI', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: [USER], versions: { web: '9.9.9' } });
  });
  afterAll(() => sb.close());

  it('redirects / to the login page', async () => {
    const res = await call('GET', `${sb.urls.web}/`);
    expect([res.status, res.headers.location]).toEqual([302, '/login']);
  });

  it('serves a login page with labelled fields, an alert region and the service URLs injected', async () => {
    const res = await call('GET', `${sb.urls.web}/login`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toContain('<label for="email">Email</label><input id="email"');
    expect(html).toContain('<label for="password">Password</label><input id="password"');
    expect(html).toMatch(/<button type="submit">Log in<\/button>/);
    expect(html).toMatch(/role="alert"/);
    expect(html).toContain('You have been logged out');
    expect(html).toContain(`window.SANDBOX=${JSON.stringify({ auth: sb.urls.auth, backend: sb.urls.backend })}`);
    expect(html).not.toMatch(/<script[^>]+src=/);
    const scripts = scriptsOf(html);
    expect(scripts.length).toBe(2);
    for (const script of scripts) expect(() => new Script(script)).not.toThrow();
  });

  it('serves a chat page with a message log, composer, logout and a subprotocol-authenticated WebSocket', async () => {
    const res = await call('GET', `${sb.urls.web}/chat?session_id=abc`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toMatch(/role="log" aria-label="Messages"/);
    expect(html).toContain('<label for="message">Message</label><textarea id="message"');
    expect(html).toMatch(/>Send<\/button>/);
    expect(html).toMatch(/>Log out<\/button>/);
    expect(html).toContain("['chat.v1', 'bearer.' + token]");
    expect(html).toContain('dataset.role = role');
    expect(html).toContain('crypto.randomUUID()');
    for (const script of scriptsOf(html)) expect(() => new Script(script)).not.toThrow();
  });

  it('answers health and version, and 404 for unknown paths', async () => {
    expect((await call('GET', `${sb.urls.web}/health`)).json()).toEqual({ status: 'ok', service: 'web' });
    expect((await call('GET', `${sb.urls.web}/version`)).json()).toEqual({ service: 'web', version: '9.9.9' });
    expect((await call('GET', `${sb.urls.web}/nope`)).status).toBe(404);
  });

  it('web.page faults the documents but not health', async () => {
    sb.faults.set('web.page=http500');
    try {
      expect((await call('GET', `${sb.urls.web}/chat`)).status).toBe(500);
      expect((await call('GET', `${sb.urls.web}/health`)).status).toBe(200);
    } finally {
      sb.faults.clear();
    }
    expect((await call('GET', `${sb.urls.web}/chat`)).status).toBe(200);
  });
});
