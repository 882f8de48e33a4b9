import { describe, expect, it } from 'vitest';
import { problemLine } from '../../src/config/problems.js';
import { addonMismatchProblem } from '../../src/store/addon-mismatch.js';

// The text Node 24 gives for better-sqlite3 built under Node 20 (captured from a real load).
const REAL =
  "The module '/p/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).";

describe('a native addon built for another Node.js is one line naming the fix', () => {
  it('ERR_DLOPEN_FAILED with two ABI numbers', () => {
    const err = Object.assign(new Error(REAL), { code: 'ERR_DLOPEN_FAILED' });
    expect(problemLine(addonMismatchProblem(err, 'better-sqlite3', '24.22.3')!)).toBe(
      'better-sqlite3: compiled for another Node.js (ABI 115; this is Node 24.22.3, ABI 137); run npm rebuild better-sqlite3 with the Node.js you run the prober with',
    );
  });

  it.each([
    ['another dlopen failure (missing libc symbol)', { code: 'ERR_DLOPEN_FAILED', message: 'libfoo.so: cannot open' }],
    ['not a load error', new Error('SQLITE_CANTOPEN')],
    ['not an error at all', 'x'],
  ])('leaves %s alone', (_name, err) => {
    expect(addonMismatchProblem(err, 'better-sqlite3', '24.0.0')).toBeUndefined();
  });
});
