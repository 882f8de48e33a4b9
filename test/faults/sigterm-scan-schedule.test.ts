import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { noCrash, phasedScheduleConfig, scanOffsets, scanRig, signalDuring } from './sigterm-scan-harness.js';

describeWithBrowser('SIGTERM at any moment of the first 2 s of a browser run: prober schedule', () => {
  const rig = scanRig();
  it('always 0, the run stored (aborted when cut short), no Chromium left', {
    timeout: 300_000,
  }, async () => {
    await scanOffsets(async (offset) => {
      const cwd = join(rig.work(), `schedule-${offset}`);
      mkdirSync(cwd, { recursive: true });
      const store = join(cwd, 'state.db');
      const config = phasedScheduleConfig(cwd);
      const o = await signalDuring('schedule', offset, ['--config', config, ...rig.targets(), '--store', store], cwd);
      noCrash(o);
      expect(
        o.code,
        `+${o.offset} ms: exit ${o.code}/${o.signal}\nstdout: ${o.stdout.slice(-600)}\nstderr: ${o.stderr.slice(-2500)}`,
      ).toBe(0);
      const db = new Database(store, { readonly: true, fileMustExist: true });
      const row = db.prepare('SELECT document FROM runs WHERE run_id = ?').pluck().get(o.runId) as string | undefined;
      db.close();
      expect(row, `+${o.offset} ms: run ${o.runId} not stored\n${o.stderr.slice(-800)}`).toBeDefined();
      const result = RunResult.parse(JSON.parse(row!));
      const j = result.journeys[0]!;
      // Cut short: `error` with category aborted, never "users cannot". Finished before the signal: any verdict.
      if (j.status === 'error')
        expect([j.failure?.category, j.verdict]).toEqual(['aborted', expect.stringMatching(/^Could not judge/)]);
      expect(j.verdict).not.toMatch(/^Users cannot/);
    });
  });
});
