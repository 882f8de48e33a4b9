import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { Deadline, NEVER_ABORTS } from '../../src/journey/deadline-signal.js';

/** Resolves when `source` aborts, with what its listener saw. */
function aborted(source: Deadline): Promise<unknown> {
  return new Promise((resolve) => source.addEventListener('abort', () => resolve(source.reason)));
}

describe('Deadline (a step deadline without an AbortSignal per step)', () => {
  it('aborts with a TimeoutError when its time is up, and says it was the time', async () => {
    const d = new Deadline(NEVER_ABORTS, 5, { ref: true });
    const reason = await aborted(d);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
    expect(d.aborted).toBe(true);
    expect(d.timedOut.aborted).toBe(true);
  });

  it('aborts with its parent’s reason, and then it was not the time', async () => {
    const parent = new AbortController();
    const d = new Deadline(parent.signal, 60_000, { ref: false });
    const seen = aborted(d);
    parent.abort(new Error('SIGTERM'));
    expect(await seen).toEqual(new Error('SIGTERM'));
    expect(d.timedOut.aborted).toBe(false);
    d.close();
  });

  it('follows a parent that is itself a Deadline (a step inside its journey)', () => {
    const parent = new AbortController();
    const journey = new Deadline(parent.signal, 60_000, { ref: false });
    const step = new Deadline(journey, 60_000, { ref: false });
    parent.abort('stop');
    expect([journey.aborted, step.aborted, step.reason]).toEqual([true, true, 'stop']);
    step.close();
    journey.close();
  });

  it('is born aborted under an aborted parent; a listener added after the abort is never called', () => {
    const d = new Deadline(AbortSignal.abort('gone'), 60_000, { ref: false });
    let called = 0;
    d.addEventListener('abort', () => called++);
    expect([d.aborted, d.reason, called]).toEqual([true, 'gone', 0]);
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBe('gone');
    d.close();
  });

  it('never aborts after close(), and a removed listener is not called', () => {
    const parent = new AbortController();
    const d = new Deadline(parent.signal, 60_000, { ref: false });
    let called = 0;
    const listener = () => called++;
    d.addEventListener('abort', listener);
    d.removeEventListener('abort', listener);
    d.close();
    parent.abort();
    expect([d.aborted, called]).toEqual([false, 0]);
  });

  it('makes its AbortSignal only when asked, and that signal follows it', () => {
    const parent = new AbortController();
    const d = new Deadline(parent.signal, 60_000, { ref: false });
    const signal = d.signal;
    expect(d.signal).toBe(signal);
    parent.abort('why');
    expect([signal.aborted, signal.reason]).toEqual([true, 'why']);
  });

  it('is accepted by undici as a request signal: a request still waiting for headers is aborted at the deadline', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const d = new Deadline(NEVER_ABORTS, 50, { ref: true });
      const err = await request(`http://127.0.0.1:${port}/`, { signal: d as unknown as AbortSignal }).catch(
        (e: unknown) => e,
      );
      expect((err as DOMException).name).toBe('TimeoutError');
      expect(d.timedOut.aborted).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
