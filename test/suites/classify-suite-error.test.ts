import { describe, expect, it } from 'vitest';
import { classifySuiteError, type SeenRequest } from '../../src/suite/classify-suite-error.js';

const at = Date.parse('2026-12-07T12:00:00Z');
const req = (url: string, status: number, method = 'GET', resourceType?: string): SeenRequest => ({
  url,
  method,
  status,
  startedAt: at,
  ...(resourceType === undefined ? {} : { resourceType }),
});

// Messages as Playwright 1.65 writes them (ANSI stripped).
const NOT_FOUND =
  "Error: expect(locator).toBeVisible() failed\n\nLocator: getByRole('heading', { name: 'Chat' })\nExpected: visible\nTimeout: 5000ms\nError: element(s) not found";
const WRONG_TEXT =
  'Error: expect(locator).toHaveText(expected) failed\n\nLocator: getByRole(\'log\')\nExpected string: "hello"\nReceived string: "bye"\nTimeout: 5000ms';

describe('classifySuiteError', () => {
  const table: [
    name: string,
    message: string,
    requests: SeenRequest[],
    step: string,
    category: string,
    status?: number,
  ][] = [
    ['element never appeared → timeout', NOT_FOUND, [], 'web.chat.reply', 'timeout'],
    ['wrong value → assertion', WRONG_TEXT, [], 'web.chat.reply', 'assertion'],
    [
      'toBe mismatch → assertion',
      'Error: expect(received).toBe(expected)\n\nExpected: 2\nReceived: 1',
      [],
      's',
      'assertion',
    ],
    ['test timeout → timeout', 'Test timeout of 30000ms exceeded.', [], 's', 'timeout'],
    ['locator action timeout → timeout', 'locator.click: Timeout 30000ms exceeded.', [], 's', 'timeout'],
    [
      'a 500 behind a missing element → http_status',
      NOT_FOUND,
      [req('http://127.0.0.1:1/auth/login', 500, 'POST')],
      'web.login',
      'http_status',
      500,
    ],
    ['a 401 → auth', NOT_FOUND, [req('http://127.0.0.1:1/api/sessions', 401, 'POST')], 'web.chat.send', 'auth', 401],
    ['a 403 → auth', WRONG_TEXT, [req('http://127.0.0.1:1/api', 403)], 's', 'auth', 403],
    [
      'back on the login page → auth',
      NOT_FOUND,
      [req('http://127.0.0.1:1/login', 200, 'GET', 'document')],
      'web.chat.send',
      'auth',
    ],
    [
      'the login step itself on the login page → not auth',
      NOT_FOUND,
      [req('http://127.0.0.1:1/login', 200, 'GET', 'document')],
      'web.login',
      'timeout',
    ],
    [
      'refused → network',
      'page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/login',
      [],
      'web.open',
      'network',
    ],
    ['reset → network', 'page.goto: net::ERR_CONNECTION_RESET', [], 'web.open', 'network'],
    ['navigation timeout → timeout', 'page.goto: Timeout 10000ms exceeded.', [], 'web.open', 'timeout'],
    ['closed page → browser', 'locator.click: Target page, context or browser has been closed', [], 's', 'browser'],
    ['crashed page → prober', 'page.goto: Page crashed', [], 's', 'prober'],
    [
      'browser did not start → prober',
      "browserType.launch: Executable doesn't exist at /nope/chrome",
      [],
      's',
      'prober',
    ],
    ['bug in the test → prober', "TypeError: Cannot read properties of undefined (reading 'x')", [], 's', 'prober'],
    ['undefined name in the test → prober', 'ReferenceError: foo is not defined', [], 's', 'prober'],
    ['unknown fixture → prober', 'Test has unknown parameter "user".', [], 's', 'prober'],
    ['a business throw → assertion', 'Error: the cart is empty', [], 's', 'assertion'],
    [
      'strict mode → browser',
      "locator.click: Error: strict mode violation: getByRole('button') resolved to 2 elements",
      [],
      's',
      'browser',
    ],
  ];
  it.each(table)('%s', (_name, message, requests, step, category, status) => {
    const v = classifySuiteError({ message }, requests, step);
    expect(v.category).toBe(category);
    expect(v.httpStatus).toBe(status);
    expect(v.message).not.toMatch(/\n/);
  });

  it('names the failing request by origin and path, never its query', () => {
    const v = classifySuiteError({ message: NOT_FOUND }, [req('http://127.0.0.1:1/api?token=abc123', 500)], 's');
    expect(v.message).toContain('GET http://127.0.0.1:1/api answered 500');
    expect(v.message).not.toContain('abc123');
  });
});
