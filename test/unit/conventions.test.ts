import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/report/color-support.js';
import { plural } from '../../src/report/plural.js';

describe('colour: FORCE_COLOR, then a non-empty NO_COLOR, then TERM=dumb, then the terminal', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '' }, true],
    [false, { FORCE_COLOR: '3', NO_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
  ] as const)('tty %s, env %j → %s', (tty, env, expected) => {
    expect(colorEnabled(tty, env)).toBe(expected);
  });
});

describe('plurals', () => {
  it.each([
    [0, 'journey', '0 journeys'],
    [1, 'journey', '1 journey'],
    [2, 'journey', '2 journeys'],
  ] as const)('%d %s → %s', (n, word, text) => {
    expect(plural(n, word)).toBe(text);
  });
});

describe('in a CI log (no terminal)', () => {
  it('prober demo: FORCE_COLOR colours the lines even with NO_COLOR set, and the summary says "1 journey"', async () => {
    const { runCli } = await import('../support/cli.js');
    const forced = await runCli(['demo', 'golden-path-api'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('\u001b[32m');
    expect(forced.stdout).toMatch(/PASS: 1 journey, 1 passed/);
    const plain = await runCli(['demo', 'golden-path-api'], { env: { NO_COLOR: '' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
