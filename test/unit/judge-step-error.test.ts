import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/journey/classify-failure.js';
import { StepFailure } from '../../src/journey/errors.js';
import type { Category } from '../../src/journey/result-schema.js';
import { judgeStepError, type ErrorMapper } from '../../src/journey/map-error.js';
import { checkReachable } from '../../src/steps/tcp-reachability.js';
import { freePort } from '../support/prosody.js';

// What an error thrown inside a step means, before classification: mappers, codes, programming errors, and the
// TCP check of the step's service for what is left.
let listening: Server;
let openUrl: string;
let closedUrl: string;
beforeAll(async () => {
  listening = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  openUrl = `http://127.0.0.1:${(listening.address() as { port: number }).port}`;
  closedUrl = `http://127.0.0.1:${await freePort()}`;
});
afterAll(() => new Promise<void>((resolve) => listening.close(() => resolve())));

class LibraryError extends Error {
  override name = 'LibraryError';
}
const judge = async (err: unknown, url: () => string | undefined, mappers: (ErrorMapper | undefined)[] = []) =>
  classifyFailure(await judgeStepError(err, { mappers, serviceUrl: url(), service: 'chat', reach: checkReachable }), {
    deadlineExceeded: false,
    aborted: false,
    timeoutMs: 1000,
  });

type Row = [string, unknown, () => string | undefined, ErrorMapper[], Category, string];
const ROWS: Row[] = [
  [
    'a StepFailure stands, whatever the mappers say',
    new StepFailure('contract', 'bad frame'),
    () => closedUrl,
    [() => 'auth'],
    'contract',
    'bad frame',
  ],
  [
    'the step mapper wins over the journey mapper',
    new LibraryError('nope'),
    () => openUrl,
    [() => 'auth', () => 'network'],
    'auth',
    'LibraryError: nope',
  ],
  [
    'undefined from the step mapper falls through to the journey mapper',
    new LibraryError('x'),
    () => openUrl,
    [() => undefined, () => ({ category: 'http_status', message: 'mapped' })],
    'http_status',
    'mapped',
  ],
  [
    'a mapper that throws is a probe bug',
    new LibraryError('x'),
    () => openUrl,
    [
      () => {
        throw new Error('oops');
      },
    ],
    'prober',
    'mapError threw Error: oops while mapping LibraryError: x',
  ],
  [
    'a known code needs no check',
    Object.assign(new Error('c'), { code: 'ECONNRESET' }),
    () => openUrl,
    [],
    'network',
    'connection reset by peer',
  ],
  [
    'a TypeError is a probe bug even when the service is down',
    new TypeError('x is undefined'),
    () => closedUrl,
    [],
    'prober',
    'probe error: TypeError: x is undefined',
  ],
  [
    'an unmapped library error while the service refuses connections is network',
    new LibraryError('xhr poll error'),
    () => closedUrl,
    [],
    'network',
    'refuses connections (ECONNREFUSED)',
  ],
  [
    'an unmapped library error while the service accepts connections cannot be judged',
    new LibraryError('weird'),
    () => openUrl,
    [],
    'prober',
    'accepts connections; if this is the library reporting a service failure, map it with mapError',
  ],
  [
    'no target to check: left to classification',
    new LibraryError('weird'),
    () => undefined,
    [],
    'prober',
    'probe error: LibraryError: weird',
  ],
];

describe('judgeStepError', () => {
  it.each(ROWS)('%s', async (_label, err, url, mappers, category, message) => {
    const c = await judge(err, url, mappers);
    expect(c.category).toBe(category);
    expect(c.message).toContain(message);
    expect(c.status).toBe(category === 'prober' ? 'error' : 'fail');
  });
});
