import { mkdirSync, mkdtempSync, rmSync, utimesSync, existsSync, writeFileSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { isProberSetupError } from '../../src/config/problems.js';
import { isStepFailure } from '../../src/journey/errors.js';
import { Redactor } from '../../src/redact.js';
import { ensureRunFolder, RUN_MARKER } from '../../src/steps/artifact-run-folder.js';
import { artifactName, journeyArtifactDir, pruneArtifacts } from '../../src/steps/browser-artifacts.js';
import { classifyBrowserError } from '../../src/steps/browser-failure.js';
import { chooseExecutable, DEBIAN_CHROMIUM, launchArgs } from '../../src/steps/browser-launcher.js';
import { dropBrowserJourneysIfNoBrowser, needsBrowser } from '../../src/steps/browser-run.js';
import { readZip, scrubTraceFile, writeZip } from '../../src/steps/browser-trace-scrub.js';

function playwrightError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('Playwright errors → contract categories (no page: the edge cases that need none)', () => {
  const rows: [what: string, err: Error, category: string | undefined][] = [
    [
      'refused navigation',
      playwrightError('Error', 'page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/login'),
      'network',
    ],
    ['reset navigation', playwrightError('Error', 'page.goto: net::ERR_CONNECTION_RESET at http://x/'), 'network'],
    ['empty response', playwrightError('Error', 'page.goto: net::ERR_EMPTY_RESPONSE at http://x/'), 'network'],
    [
      'bad certificate',
      playwrightError('Error', 'page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://x/'),
      'network',
    ],
    ['aborted navigation', playwrightError('Error', 'page.goto: net::ERR_ABORTED at http://x/'), 'browser'],
    [
      'element missing',
      playwrightError(
        'TimeoutError',
        "locator.click: Timeout 2000ms exceeded.\nCall log:\n  - waiting for getByRole('button', { name: 'Send' })",
      ),
      'browser',
    ],
    [
      'strict mode violation',
      playwrightError(
        'Error',
        "locator.fill: Error: strict mode violation: getByLabel('Message') resolved to 2 elements",
      ),
      'browser',
    ],
    [
      'closed page',
      playwrightError('TargetClosedError', 'locator.click: Target page, context or browser has been closed'),
      'prober',
    ],
    ['a bug in the probe stays a bug', new TypeError("Cannot read properties of undefined (reading 'x')"), undefined],
  ];
  it.each(rows)('%s', async (_what, err, category) => {
    const out = classifyBrowserError(err, { failedCalls: [] });
    if (category === undefined) expect(out).toBe(err);
    else expect(isStepFailure(out) && out.category).toBe(category);
  });

  it('names the action and the missing element from the call log', () => {
    const out = classifyBrowserError(
      playwrightError(
        'TimeoutError',
        "locator.waitFor: Timeout 10ms exceeded.\nCall log:\n  - waiting for getByLabel('Email')",
      ),
      { failedCalls: [] },
    );
    expect((out as Error).message).toBe("locator.waitFor: getByLabel('Email') did not appear within 10 ms");
  });
});

describe('choosing and launching Chromium', () => {
  it('config wins even when wrong; then Playwright’s browser if present; then Debian’s', () => {
    expect(chooseExecutable('/nope/chrome', () => true)).toEqual({ path: '/nope/chrome', source: 'config' });
    expect(chooseExecutable(undefined, (p) => p === DEBIAN_CHROMIUM)).toEqual({
      path: DEBIAN_CHROMIUM,
      source: 'system',
    });
    expect(chooseExecutable(undefined, () => false)).toBeUndefined();
    expect(chooseExecutable(undefined, (p) => p !== DEBIAN_CHROMIUM)?.source).toBe('playwright');
  });

  it('always quiets background traffic; adds --no-sandbox only as root; config args last', () => {
    const always = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'];
    expect(launchArgs({ args: ['--lang=de'] }, false)).toEqual([...always, '--lang=de']);
    expect(launchArgs({ args: [] }, true)).toEqual([...always, '--no-sandbox']);
  });

  it('demo without a browser: one hint, the API journeys still run; only browser journeys left is a setup error', () => {
    const noop = step('s', { service: 'x' }, () => undefined);
    const api = journey({ name: 'api', description: '', capability: 'c', steps: [noop] });
    // A tag says nothing about what a journey needs: only its definition does.
    const tagged = journey({ name: 'tagged', description: '', capability: 'c', tags: ['browser'], steps: [noop] });
    expect(needsBrowser(tagged)).toBe(false);
    const web = journey({ name: 'web', description: '', capability: 'c', needs: { browser: true }, steps: [noop] });
    expect([api, web].map(needsBrowser)).toEqual([false, true]);
    const hints: string[] = [];
    expect(
      dropBrowserJourneysIfNoBrowser([api, web], { executablePath: '/nonexistent/chromium' }, (h) => hints.push(h)),
    ).toEqual([api]);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/apt-get install chromium.*browser\.executablePath/);
    let thrown: unknown;
    try {
      dropBrowserJourneysIfNoBrowser([web], { executablePath: '/nonexistent/chromium' }, () => undefined);
    } catch (err) {
      thrown = err;
    }
    expect(isProberSetupError(thrown)).toBe(true);
  });
});

describe('artifacts', () => {
  it('file names come from ids we chose, made safe', () => {
    expect(artifactName('web.chat.reply')).toBe('web.chat.reply');
    expect(artifactName('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(journeyArtifactDir('/a', 'run-1', 'j/x')).toBe('/a/run-1/j_x');
  });

  it('deletes only its own old run folders: a UUID name and the marker; everything else survives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prober-prune-'));
    try {
      const now = Date.now();
      const [ownOld, ownNew, unmarked, forged] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await ensureRunFolder(dir, ownOld);
      await ensureRunFolder(dir, ownNew);
      await ensureRunFolder(dir, 'old'); // the marker, but not a run-id name
      mkdirSync(join(dir, unmarked)); // a run-id name, but no marker
      mkdirSync(join(dir, forged));
      writeFileSync(join(dir, forged, RUN_MARKER), 'someone else wrote this\n'); // a marker that names no run
      writeFileSync(join(dir, 'notes.txt'), 'x');
      const old = new Date(now - 3 * 3_600_000);
      for (const name of [ownOld, 'old', unmarked, forged, 'notes.txt']) utimesSync(join(dir, name), old, old);
      expect(await pruneArtifacts(dir, 2, now)).toEqual([join(dir, ownOld)]);
      expect([ownOld, ownNew, 'old', unmarked, forged, 'notes.txt'].map((n) => existsSync(join(dir, n)))).toEqual([
        false,
        true,
        true,
        true,
        true,
        true,
      ]);
      expect(await pruneArtifacts(join(dir, 'missing'), 2, now)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trace scrubbing removes secrets, tokens and credential fields, and leaves images byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prober-trace-'));
    try {
      const secret = 'canary-0123456789';
      const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
      const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
      const entries = [
        { name: 'trace.trace', data: Buffer.from(`{"params":{"value":"${secret}"}}\n{"token":"${jwt}"}`) },
        { name: 'resources/abc.json', data: Buffer.from('{"refresh_token":"opaque-refresh","ok":1}') },
        { name: 'resources/shot.png', data: image },
      ];
      writeFileSync(join(dir, 'raw.zip'), writeZip(entries));
      const redactor = new Redactor();
      redactor.add(secret);
      await scrubTraceFile(join(dir, 'raw.zip'), join(dir, 'trace.zip'), redactor);
      const out = readZip(readFileSync(join(dir, 'trace.zip')));
      expect(out.map((e) => e.name)).toEqual(entries.map((e) => e.name));
      const text = out.map((e) => e.data.toString('utf8')).join('\n');
      for (const leaked of [secret, jwt, 'opaque-refresh']) expect(text).not.toContain(leaked);
      expect(text).toContain('"ok":1');
      expect(out[2]!.data.equals(image)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
