import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AlertPolicySchema } from '../../src/config/alert-policy.js';
import { evaluateProberHealth, loopCondition } from '../../src/alert/prober-health.js';
import { journey, step } from '../../src/journey/define.js';
import { ProberSetupError } from '../../src/config/problems.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { journeyFingerprint, sourceFile } from '../../src/schedule/journey-fingerprint.js';
import { LoopQuarantine, quarantineFile } from '../../src/schedule/loop-quarantine.js';
import { wireQuarantine } from '../../src/schedule/quarantine-wiring.js';
import type { LoadedConfig } from '../../src/config/load-config.js';

const looping = journey({
  name: 'loops',
  description: 'd',
  capability: 'do it',
  steps: [step('act', { service: 'svc', timeoutMs: 800 }, () => undefined)],
});
const fixed = journey({
  name: 'loops',
  description: 'd',
  capability: 'do it',
  steps: [step('act', { service: 'svc', timeoutMs: 800 }, () => void 'fixed')],
});
const other = journey({
  name: 'other',
  description: 'd',
  capability: 'do it',
  steps: [step('x', { service: 'svc', timeoutMs: 800 }, () => undefined)],
});
const context = { environment: 'env', location: 'eu' };

function fresh(): LoopQuarantine {
  return new LoopQuarantine(
    join(mkdtempSync(join(tmpdir(), 'gpp-quarantine-')), 'state.db.blocked-journeys.json'),
    context,
  );
}

/** What the blocked thread does: the scheduler told it where the journey was, the watchdog says it blocked. */
function block(q: LoopQuarantine, runId = 'run-1'): void {
  q.load([looping, other]);
  q.runStarted('loops', runId);
  q.stepStarted('loops', runId, { name: 'act', service: 'svc', timeoutMs: 800 });
  expect(q.recordBlocked('loops', 5_250, new Date('2026-12-01T01:00:05.000Z'))).toBeDefined();
}

describe('LoopQuarantine: a journey that blocked the event loop, across restarts', () => {
  it('records the blocked run once as error/prober at the step it was in, and holds the journey', () => {
    const q = fresh();
    block(q);
    const restarted = new LoopQuarantine(q.file, context);
    expect(restarted.load([looping, other]).held.map((e) => e.journey)).toEqual(['loops']);
    expect([restarted.holds('loops'), restarted.holds('other'), restarted.owns('run-1')]).toEqual([true, false, true]);
    const [result, ...more] = restarted.unrecorded([looping, other]).map((r) => RunResult.parse(r));
    expect(more).toEqual([]);
    expect(result).toMatchObject({
      runId: 'run-1',
      environment: 'env',
      location: 'eu',
      status: 'error',
      journeys: [{ journey: 'loops', failure: { step: 'act', category: 'prober' } }],
    });
    expect(result?.journeys[0]?.failure?.message).toBe(
      'probe bug in journey loops: its code blocked the event loop for over 5250 ms in step act (a synchronous loop?); the journey is quarantined (not run) until its code changes or an operator clears it',
    );
    restarted.markRecorded('run-1');
    const again = new LoopQuarantine(q.file, context);
    again.load([looping, other]);
    expect([again.holds('loops'), again.unrecorded([looping, other])]).toEqual([true, []]);
  });

  it.each([
    ['its code changed', [fixed, other]],
    ['it is no longer among the probes', [other]],
  ])('is lifted at the next start when %s (and the file goes away)', (_label, journeys) => {
    const q = fresh();
    block(q);
    const restarted = new LoopQuarantine(q.file, context);
    const { held, lifted } = restarted.load(journeys);
    expect([held, lifted.map((e) => e.journey), restarted.holds('loops')]).toEqual([[], ['loops'], false]);
    expect(() => readFileSync(q.file)).toThrow(/ENOENT/);
  });

  it('pins nothing on a journey that is not running here (a finished run, another process)', () => {
    const q = fresh();
    q.load([looping]);
    q.runStarted('loops', 'run-1');
    q.runEnded('loops', 'run-1');
    expect(q.recordBlocked('loops', 5_000)).toBeUndefined();
    expect(q.holds('loops')).toBe(false);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another schema', '{"schema":"other","journeys":[]}', /schema/],
  ])('refuses an unreadable file (%s) with one line that says what to do', (_label, text, why) => {
    const q = fresh();
    writeFileSync(q.file, text);
    let thrown: unknown;
    try {
      q.load([looping]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProberSetupError);
    expect((thrown as Error).message).toMatch(why);
    expect((thrown as Error).message).toMatch(/fix or delete it/);
  });
});

describe('wireQuarantine: what the daemon sees at start', () => {
  it.each([
    ['enabled', true, true, 1],
    ['disabled in the config (re-enabling it later is a way to clear it)', false, false, 0],
  ])('a blocked journey %s is held: %s', async (_label, enabled, held, gauge) => {
    const q = fresh();
    block(q);
    // The two fields of a loaded config the quarantine reads: the journeys and their `enabled` settings.
    const loaded = {
      journeys: [looping, other],
      config: { journeys: { loops: { enabled } } },
    } as unknown as LoadedConfig;
    const registry = new Registry();
    const wired = wireQuarantine(new LoopQuarantine(q.file, context), {
      loaded,
      log: pino({ level: 'silent' }),
      registry,
    });
    expect([wired.holds('loops'), wired.owns('run-1'), wired.healthz().length]).toEqual([held, held, held ? 1 : 0]);
    expect(await registry.metrics()).toMatch(new RegExp(`prober_journey_quarantined\\{journey="loops"\\} ${gauge}`));
  });
});

describe("where the quarantine lives and what a journey's code is", () => {
  it.each([
    [
      { kind: 'sqlite' as const, path: '/state/state.db' },
      'staging',
      undefined,
      '/state/state.db.blocked-journeys.json',
    ],
    [
      { kind: 'postgres' as const },
      'stag/ing',
      'eu west',
      join(tmpdir(), 'golden-path-prober', 'blocked-journeys-stag_ing-eu_west.json'),
    ],
  ])('%j in %s/%s → %s', (store, environment, location, file) => {
    expect(quarantineFile(store, environment, location)).toBe(file);
  });

  it.each([
    ['probes/x.ts:42', 'probes/x.ts'],
    ['/abs/dir/x.ts:7', '/abs/dir/x.ts'],
    ['native', undefined],
    [undefined, undefined],
  ])('sourceFile(%s) = %s', (location, file) => {
    expect(sourceFile(location)).toBe(file);
  });

  it('changes with the code of a step, not with nothing', () => {
    expect(journeyFingerprint(looping)).toBe(journeyFingerprint(looping));
    expect(journeyFingerprint(looping)).not.toBe(journeyFingerprint(fixed));
  });
});

describe('the prober: alert condition of a quarantined journey', () => {
  const policy = AlertPolicySchema.parse({});
  const run = (status: 'error' | 'pass') => ({
    runId: 'r',
    environment: 'env',
    result: {
      journey: 'loops',
      description: 'd',
      status,
      startedAt: '2026-12-01T01:00:00.000Z',
      durationMs: 0,
      verdict: 'v',
      steps: [],
    },
  });

  it('fires on the first blocked run (no streak needed) and resolves once the journey is judged again', () => {
    const now = new Date('2026-12-01T01:00:10.000Z');
    const raised = evaluateProberHealth(undefined, run('error'), now, policy, {
      raise: { [loopCondition('loops')]: 'loops blocked the event loop' },
    });
    expect(raised.notifications).toMatchObject([
      { id: 'prober:env', state: 'firing', verdict: expect.stringContaining('loops blocked the event loop') },
    ]);
    const cleared = evaluateProberHealth(raised.state, run('pass'), now, policy, { clear: [loopCondition('loops')] });
    expect(cleared.notifications).toMatchObject([{ id: 'prober:env', state: 'resolved' }]);
  });
});
