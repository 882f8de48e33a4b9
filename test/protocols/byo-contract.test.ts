import { describe, expect, it } from 'vitest';
import { journey, step } from 'golden-path-prober';
import { freePort } from '../support/prosody.js';
import { runInProcess } from '../support/in-process.js';

// The bring-your-own-client contract through the runner: defer, tagHeaders, deadline and mapError precedence.
class LibraryError extends Error {
  override name = 'LibraryError';
}

describe('bring your own client', () => {
  it('ctx.defer runs once at journey end, after the last step, in reverse order, even after a failure', async () => {
    const events: string[] = [];
    const r = await runInProcess(
      [
        journey({
          name: 'deferred',
          description: 'd',
          capability: 'c',
          steps: [
            step('open-a', { service: 'svc' }, (ctx) => {
              ctx.defer(() => void events.push('close a'));
              events.push('step 1');
            }),
            step('open-b', { service: 'svc' }, (ctx) => {
              ctx.defer(async () => void events.push('close b'));
              events.push('step 2');
              ctx.fail('assertion', 'after opening b');
            }),
            step('cleanup', { service: 'svc', always: true }, () => void events.push('always step')),
          ],
        }),
      ],
      { svc: 'http://127.0.0.1:9' },
    );
    expect(r.journeys[0]!.failure).toMatchObject({ step: 'open-b', category: 'assertion' });
    expect(events).toEqual(['step 1', 'step 2', 'always step', 'close b', 'close a']);
  });

  it('tagHeaders carry the run id and a traceparent in the journey trace; deadline is the step deadline', async () => {
    let headers: Record<string, string> = {};
    let left = 0;
    const r = await runInProcess(
      [
        journey({
          name: 't',
          description: 'd',
          capability: 'c',
          steps: [
            step('s', { service: 'svc', timeoutMs: 4_000 }, (ctx) => {
              headers = ctx.tagHeaders();
              left = ctx.deadline - Date.now();
            }),
          ],
        }),
      ],
      { svc: 'http://127.0.0.1:9' },
    );
    expect(headers['x-synthetic-probe']).toBe(r.runId);
    expect(headers.traceparent).toMatch(
      new RegExp(`^00-${r.journeys[0]!.steps[0]!.evidence!.traceId}-[0-9a-f]{16}-01$`),
    );
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(4_000);
  });

  it('mapError: the step mapper before the journey mapper; an unmapped library error against a closed port is network', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await runInProcess(
      [
        journey({
          name: 'mapped',
          description: 'd',
          capability: 'c',
          mapError: (err) => (err instanceof LibraryError ? 'http_status' : undefined),
          steps: [
            step(
              's',
              {
                service: 'svc',
                mapError: (err) =>
                  err instanceof LibraryError && err.message === 'refused'
                    ? { category: 'auth', message: 'handshake refused' }
                    : undefined,
              },
              () => {
                throw new LibraryError('refused');
              },
            ),
          ],
        }),
        journey({
          name: 'journey-level',
          description: 'd',
          capability: 'c',
          mapError: (err) => (err instanceof LibraryError ? 'http_status' : undefined),
          steps: [
            step('s', { service: 'svc' }, () => {
              throw new LibraryError('500 from upstream');
            }),
          ],
        }),
        journey({
          name: 'unmapped',
          description: 'd',
          capability: 'c',
          steps: [
            step('s', { service: 'svc' }, () => {
              throw new LibraryError('transport error');
            }),
          ],
        }),
      ],
      { svc: closed },
    );
    const failure = (name: string) => r.journeys.find((j) => j.journey === name)!.failure;
    expect(failure('mapped')).toMatchObject({ category: 'auth', message: 'handshake refused' });
    expect(failure('journey-level')).toMatchObject({
      category: 'http_status',
      message: 'LibraryError: 500 from upstream',
    });
    expect(failure('unmapped')).toMatchObject({
      category: 'network',
      message: expect.stringContaining('service svc at 127.0.0.1'),
    });
    expect(r.journeys.find((j) => j.journey === 'unmapped')!.status).toBe('fail');
  });
});
