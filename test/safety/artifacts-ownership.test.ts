import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { artifactsDirClash, type ArtifactsDirFacts } from '../../src/config/artifacts-dir-guard.js';
import { journey, step } from '../../src/journey/define.js';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { ensureRunFolder, isOwnRunFolder, RUN_MARKER } from '../../src/steps/artifact-run-folder.js';
import { browserSettings } from '../../src/steps/browser-launcher.js';
import { withBrowserRun } from '../../src/steps/browser-run.js';
import { BrowserSession } from '../../src/steps/browser-session.js';
import { apiStepIo } from '../../src/steps/step-io.js';
import { onPage } from '../../src/browser.js';
import { runCli } from '../support/cli.js';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';

const FIVE_DAYS_AGO = new Date(Date.now() - 5 * 24 * 3_600_000);

describe('artifactsDir that holds a project is refused (pure rule, as a table)', () => {
  const base: ArtifactsDirFacts = {
    dir: '/srv/app/artifacts',
    cwd: '/srv/app',
    configFile: '/srv/app/prober.config.ts',
    storePath: '/srv/app/.prober/state.db',
    dotfiles: [],
  };
  const rows: [what: string, facts: Partial<ArtifactsDirFacts>, clash: RegExp | undefined][] = [
    ['its own folder', {}, undefined],
    ['a folder kept in git', { dotfiles: ['.gitignore', '.gitkeep'] }, undefined],
    ['the working directory', { dir: '/srv/app' }, /is the working directory/],
    ['a parent of the working directory', { dir: '/srv' }, /parent of the working directory \/srv\/app/],
    ['the filesystem root', { dir: '/' }, /parent of the working directory/],
    ['the config file’s folder', { configFile: '/srv/app/artifacts/prober.config.ts' }, /holds the config file/],
    ['a parent of the store', { dir: '/srv/app/.prober' }, /holds the store \/srv\/app\/.prober\/state.db/],
    ['a Postgres store: no store file', { dir: '/srv/app/.prober', storePath: undefined }, undefined],
    ['a folder with .env', { dotfiles: ['.env'] }, /holds the dotfile .env/],
  ];
  it.each(rows)('%s', (_what, facts, clash) => {
    const got = artifactsDirClash({ ...base, ...facts });
    if (clash === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(clash);
  });

  it("`prober validate` refuses artifactsDir: '.' in one line naming the path, exit 2", async () => {
    const project = mkdtempSync(join(tmpdir(), 'prober-artifacts-dot-'));
    try {
      writeFileSync(
        join(project, 'prober.config.json'),
        JSON.stringify({
          environment: 'test',
          targets: { web: 'http://127.0.0.1:9' },
          probes: ['probes/*.ts'],
          browser: { artifactsDir: '.' },
        }),
      );
      mkdirSync(join(project, 'probes'));
      const r = await runCli(['validate', '--config', join(project, 'prober.config.json')], { cwd: project });
      const lines = r.stdout
        .concat(r.stderr)
        .split('\n')
        .filter((l) => l.includes('browser.artifactsDir'));
      expect(r.code).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`"." (${project}) is the working directory`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('100 browser runs next to a user’s files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prober-artifacts-shared-'));
  const session = new BrowserSession(browserSettings(undefined));
  afterAll(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prune only their own run folders: an unrelated 5-day-old folder and a dotfile survive', async () => {
    mkdirSync(join(dir, 'reports-2026'));
    writeFileSync(join(dir, 'reports-2026', 'q3.csv'), 'a,b\n');
    writeFileSync(join(dir, '.env'), 'TOKEN=keep-me\n');
    const lookalike = randomUUID(); // a run-id name without the prober's marker: someone else's
    mkdirSync(join(dir, lookalike));
    for (const p of ['reports-2026', '.env', lookalike]) utimesSync(join(dir, p), FIVE_DAYS_AGO, FIVE_DAYS_AGO);

    // Fails at once (a failed check, as a user's assertion fails; a bare Error would be the probe's own bug, judged
    // error/prober), so every run leaves a screenshot: a run folder the next runs may prune.
    const failing = journey({
      name: 'shot',
      description: 'fails at once so evidence is written',
      capability: 'leave a screenshot',
      needs: { browser: true },
      steps: [
        step(
          'web.fail',
          { service: 'web', timeoutMs: 10_000 },
          onPage(async () => {
            assert.fail('expected: evidence wanted');
          }),
        ),
      ],
    });
    // Retention of ~1 ms: each run's pruning (the real run path) removes every earlier run folder of ours.
    const settings = { ...browserSettings(undefined), artifactsDir: dir, artifactRetentionHours: 1 / 3_600_000 };
    const redactor = new Redactor();
    const api = apiStepIo({ maxBodyBytes: 1 << 20 });
    // Each of the 100 runs goes through the real run path (withBrowserRun: prune, then the run). Every 10th drives
    // Chromium and leaves a real screenshot; the others leave their run folder as a journey's artifacts do
    // (ensureRunFolder), which keeps this test at seconds, not a minute, on a loaded 2-core box.
    for (let i = 0; i < 100; i++) {
      const runId = randomUUID();
      const io = { settings, runId, journeys: [failing], redactor, api, session };
      if (i % 10 !== 9) {
        await withBrowserRun(io, () => ensureRunFolder(dir, runId));
        continue;
      }
      const result = await withBrowserRun(io, (io) =>
        runJourneys([failing], {
          runId,
          environment: 'test',
          targets: { web: 'http://127.0.0.1:9' },
          secrets: {},
          variables: {},
          redactor,
          io,
          userAgent: 'test',
          maxBodyBytes: 1 << 20,
        }),
      );
      expect([result.journeys[0]?.status, result.journeys[0]?.verdict]).toEqual(['fail', expect.any(String)]);
      expect(result.journeys[0]?.steps[0]?.artifacts?.[0]).toContain(join(dir, runId));
    }
    const left = readdirSync(dir);
    const ours = [];
    for (const name of left) if (await isOwnRunFolder(dir, name)) ours.push(name);
    // The last run's folder (and maybe the one before, within the same millisecond) is all that is left of ours.
    expect(ours.length).toBeGreaterThanOrEqual(1);
    expect(ours.length).toBeLessThanOrEqual(2);
    expect(existsSync(join(dir, ours[0]!, RUN_MARKER))).toBe(true);
    expect(existsSync(join(dir, 'reports-2026', 'q3.csv'))).toBe(true);
    expect(existsSync(join(dir, '.env'))).toBe(true);
    expect(existsSync(join(dir, lookalike))).toBe(true);
  }, 40_000);
});
