import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultSpecError, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { USER, call, errorCode, login, rejectionOf } from './helpers.js';

describe('refuse, the control endpoint and shutdown', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  it('refuse closes a service port and clearing it listens again on the same port', async () => {
    sb = await startSandbox({
      users: [USER],
      faults: ['auth.token=refuse', 'session.create=refuse', 'web.page=refuse'],
    });
    const { urls } = sb;
    for (const url of [urls.auth, urls.backend, urls.web]) {
      expect(errorCode(await rejectionOf(call('GET', `${url}/health`)))).toBe('ECONNREFUSED');
    }
    expect(sb.faults.list().sort()).toEqual(['auth.token=refuse', 'session.create=refuse', 'web.page=refuse']);

    expect((await call('DELETE', `${urls.control}/faults/session.create`)).status).toBe(204);
    // Backend is back, auth still refused: the backend cannot validate tokens and says so.
    const unavailable = await call('POST', `${urls.backend}/api/sessions`, { token: 'x.y.z' });
    expect([unavailable.status, (unavailable.json() as { error: string }).error]).toEqual([503, 'auth_unavailable']);

    expect((await call('DELETE', `${urls.control}/faults`)).status).toBe(204);
    expect(sb.urls).toEqual(urls);
    const token = await login(sb);
    expect((await call('POST', `${urls.backend}/api/sessions`, { token })).status).toBe(201);
    expect((await call('GET', `${urls.web}/login`)).status).toBe(200);

    // And again at runtime, through the control endpoint.
    expect((await call('POST', `${urls.control}/faults`, { body: { fault: 'session.create=refuse' } })).status).toBe(
      204,
    );
    expect(errorCode(await rejectionOf(call('POST', `${urls.backend}/api/sessions`, { token })))).toBe('ECONNREFUSED');
    expect((await call('DELETE', `${urls.control}/faults/session.create`)).status).toBe(204);
    expect((await call('POST', `${urls.backend}/api/sessions`, { token })).status).toBe(201);
  });

  it('control endpoint lists, sets, validates and clears faults', async () => {
    sb = await startSandbox({ users: [USER] });
    const control = sb.urls.control;
    expect((await call('GET', `${control}/faults`)).json()).toEqual({ faults: [] });

    const bad = await call('POST', `${control}/faults`, { body: { fault: 'chat.reply=http500' } });
    expect(bad.status).toBe(400);
    expect((bad.json() as { error: string }).error).toMatch(/valid effects for chat\.reply/);
    expect((await call('POST', `${control}/faults`, { body: { nope: 1 } })).status).toBe(400);

    for (const fault of ['auth.token=http500', 'chat.reply=slow:50']) {
      expect((await call('POST', `${control}/faults`, { body: { fault } })).status).toBe(204);
    }
    expect((await call('GET', `${control}/faults`)).json()).toEqual({
      faults: ['auth.token=http500', 'chat.reply=slow:50'],
    });
    expect(sb.faults.list()).toEqual(['auth.token=http500', 'chat.reply=slow:50']);
    expect((await call('POST', `${sb.urls.auth}/auth/login`, { body: USER })).status).toBe(500);

    expect((await call('DELETE', `${control}/faults/auth.token`)).status).toBe(204);
    expect((await call('POST', `${sb.urls.auth}/auth/login`, { body: USER })).status).toBe(200);
    expect((await call('DELETE', `${control}/faults/not.a.step`)).status).toBe(404);
    expect((await call('DELETE', `${control}/faults`)).status).toBe(204);
    expect(sb.faults.list()).toEqual([]);
  });

  it('rejects bad fault specs at start and from the controller', async () => {
    await expect(startSandbox({ faults: ['chat.reply=teapot'] })).rejects.toBeInstanceOf(FaultSpecError);
    sb = await startSandbox({ users: [USER] });
    expect(() => sb?.faults.set('auth.token=slow:0')).toThrow(FaultSpecError);
    expect(sb.faults.list()).toEqual([]);
  });

  it('close() resolves quickly while a hang request is outstanding, and is idempotent', async () => {
    sb = await startSandbox({ users: [USER], faults: ['auth.token=hang'] });
    const hung = rejectionOf(call('POST', `${sb.urls.auth}/auth/login`, { body: USER }));
    // A second hung request timing out proves the hang is in force (the first was sent before it).
    expect(
      errorCode(await rejectionOf(call('POST', `${sb.urls.auth}/auth/login`, { body: USER, headersTimeout: 200 }))),
    ).toBe('UND_ERR_HEADERS_TIMEOUT');
    const started = performance.now();
    await Promise.all([sb.close(), sb.close()]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(errorCode(await hung)).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    await sb.close();
  });

  it('serves fixed ports from basePort', async () => {
    let port = 0;
    // The OS just handed out `port`, so the three above it are very likely free; retry if another worker won the race.
    for (let attempt = 0; attempt < 5 && sb === undefined; attempt += 1) {
      const probe = await startSandbox({ users: [] });
      port = Number(new URL(probe.urls.control).port);
      await probe.close();
      sb = await startSandbox({ users: [USER], basePort: port }).catch((err: unknown) => {
        if (errorCode(err) === 'EADDRINUSE') return undefined;
        throw err;
      });
    }
    if (sb === undefined) throw new Error('no four free consecutive ports found');
    expect(sb.urls).toEqual({
      control: `http://127.0.0.1:${port}`,
      auth: `http://127.0.0.1:${port + 1}`,
      backend: `http://127.0.0.1:${port + 2}`,
      web: `http://127.0.0.1:${port + 3}`,
    });
    expect((await call('GET', `${sb.urls.web}/health`)).json()).toEqual({ status: 'ok', service: 'web' });
  });
});
