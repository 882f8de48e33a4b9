import assert from 'node:assert';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyFailure } from '../../src/journey/classify-failure.js';
import { StepFailure } from '../../src/journey/errors.js';

const base = { deadlineExceeded: false, aborted: false, timeoutMs: 5000 };

function errno(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`some text that must not matter ${code}`), { code, ...extra });
}

function assertionError(): unknown {
  try {
    assert.strictEqual(1, 2, 'reply was empty');
  } catch (err) {
    return err;
  }
  throw new Error('unreachable');
}

describe('classifyFailure', () => {
  const rows: [string, unknown, Partial<typeof base>, string, 'fail' | 'error'][] = [
    [
      'step deadline wins over the thrown error',
      new TypeError('aborted'),
      { deadlineExceeded: true },
      'timeout',
      'fail',
    ],
    [
      'shutdown wins over everything',
      errno('ECONNREFUSED'),
      { aborted: true, deadlineExceeded: true },
      'aborted',
      'error',
    ],
    ['undici headers timeout', errno('UND_ERR_HEADERS_TIMEOUT'), {}, 'timeout', 'fail'],
    ['connection refused', errno('ECONNREFUSED', { address: '127.0.0.1', port: 9 }), {}, 'network', 'fail'],
    ['reset', errno('ECONNRESET'), {}, 'network', 'fail'],
    ['undici socket error', errno('UND_ERR_SOCKET'), {}, 'network', 'fail'],
    ['DNS', errno('ENOTFOUND', { hostname: 'nope.invalid' }), {}, 'network', 'fail'],
    ['TLS expired', errno('CERT_HAS_EXPIRED'), {}, 'network', 'fail'],
    [
      'code found through cause',
      new TypeError('fetch failed', { cause: errno('ECONNREFUSED') }),
      {},
      'network',
      'fail',
    ],
    ['code found inside AggregateError', new AggregateError([errno('EHOSTUNREACH')]), {}, 'network', 'fail'],
    [
      'categorised http status',
      new StepFailure('http_status', 'POST /x returned HTTP 500', { httpStatus: 500 }),
      {},
      'http_status',
      'fail',
    ],
    ['categorised auth', new StepFailure('auth', 'returned HTTP 401', { httpStatus: 401 }), {}, 'auth', 'fail'],
    ['categorised contract', new StepFailure('contract', 'bad json'), {}, 'contract', 'fail'],
    ['zod error thrown by probe code', z.object({ a: z.string() }).safeParse({}).error, {}, 'contract', 'fail'],
    ['node assertion', assertionError(), {}, 'assertion', 'fail'],
    ['categorised prober error', new StepFailure('prober', 'missing variable'), {}, 'prober', 'error'],
    [
      'plain TypeError is a probe bug',
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      {},
      'prober',
      'error',
    ],
    ['a thrown string is a probe bug', 'oops', {}, 'prober', 'error'],
  ];
  it.each(rows)('%s', (_name, err, ctx, category, status) => {
    const c = classifyFailure(err, { ...base, ...ctx });
    expect(c.category).toBe(category);
    expect(c.status).toBe(status);
    expect(c.message).not.toContain('\n');
  });

  it('keeps the HTTP status of a categorised failure', () => {
    expect(classifyFailure(new StepFailure('http_status', 'x', { httpStatus: 503 }), base).httpStatus).toBe(503);
  });

  it('names the host of a DNS failure and the address of a refused connection', () => {
    expect(classifyFailure(errno('ENOTFOUND', { hostname: 'chat.example.invalid' }), base).message).toContain(
      'chat.example.invalid',
    );
    expect(classifyFailure(errno('ECONNREFUSED', { address: '127.0.0.1', port: 4101 }), base).message).toContain(
      '127.0.0.1:4101',
    );
  });

  it('decides on codes, not message text', () => {
    const looksLikeNetwork = new Error('ECONNREFUSED connect failed');
    expect(classifyFailure(looksLikeNetwork, base).category).toBe('prober');
  });
});
