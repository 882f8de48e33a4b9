import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { ROOT } from '../support/cli.js';
import { noCrash, scanOffsets, scanRig, signalDuring } from './sigterm-scan-harness.js';

describeWithBrowser('SIGTERM at any moment of the first 2 s of a browser run: prober run', () => {
  const rig = scanRig();
  it('always 143, the result reported, never exit 1, no Chromium left', { timeout: 300_000 }, async () => {
    const config = join(ROOT, 'test/fixtures/browser-sandbox.ts');
    await scanOffsets(async (offset) => {
      const cwd = join(rig.work(), `run-${offset}`);
      mkdirSync(cwd, { recursive: true });
      const o = await signalDuring('run', offset, ['--config', config, ...rig.targets()], cwd);
      noCrash(o);
      expect(o.code, `+${o.offset} ms: ${o.stderr.slice(-800)}`).toBe(143);
      // The result is reported: the verdict and the summary naming the run that was started.
      expect(o.stdout, `+${o.offset} ms`).toMatch(
        new RegExp(`^(PASS|DEGRADED|FAIL|ERROR): 1 journeys?,.*run ${o.runId}`, 'm'),
      );
      expect(o.stdout).toMatch(/golden-path-browser: /);
    });
  });
});
