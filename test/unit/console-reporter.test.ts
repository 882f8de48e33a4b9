import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleOptionsFor, consoleReporter } from '../../src/report/console-reporter.js';
import { SAMPLE_RUN } from '../fixtures/sample-results.js';

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  constructor(tty: boolean) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const j0 = SAMPLE_RUN.journeys[0]!;

describe('console reporter', () => {
  it('on a terminal: one coloured line per step as it ends, then the verdicts', async () => {
    const out = new Capture(true);
    const r = consoleReporter(consoleOptionsFor(out, {}));
    r.onEvent?.({ type: 'step/end', journey: j0.journey, result: j0.steps[0]! });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the green colour code is what this asserts.
    expect(out.text).toMatch(/^\u001b\[32m {2}golden-path-api ✓ auth\.token/);
    await r.report(SAMPLE_RUN);
    expect(out.text).toContain('FAIL     golden-path-api: Users cannot log in and chat');
  });

  it('NO_COLOR on a terminal: live lines without escape codes', () => {
    const out = new Capture(true);
    consoleReporter(consoleOptionsFor(out, { NO_COLOR: '1' })).onEvent?.({
      type: 'step/end',
      journey: j0.journey,
      result: j0.steps[4]!,
    });
    expect(out.text).not.toContain('\u001b[');
    expect(out.text).toMatch(/✗ chat\.reply\s+backend\s+2000 ms {2}assertion: reply was/);
  });

  it('not a terminal (CI logs): nothing live, one plain block per journey, then the summary', async () => {
    const out = new Capture(false);
    const r = consoleReporter(consoleOptionsFor(out, {}));
    r.onEvent?.({ type: 'step/end', journey: j0.journey, result: j0.steps[0]! });
    expect(out.text).toBe('');
    await r.report(SAMPLE_RUN);
    const lines = out.text.trim().split('\n');
    expect(lines[0]).toBe(`golden-path-api (${j0.description})`);
    expect(lines).toContain('  - later.step       backend      0 ms  (not run: step chat.reply failed)');
    expect(lines.some((l) => l.startsWith('FLAKY    golden-path-web'))).toBe(true);
    expect(lines.at(-1)).toMatch(
      /^FAIL: 2 journeys, 0 passed, 0 degraded, 1 flaky, 1 failed, 0 could not be judged \(staging, run /,
    );
    expect(out.text).not.toContain('\u001b[');
  });
});
