import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { runNodeScript } from '../support/node-script.js';

// The loop watchdog's thread is a real TypeScript file (src/watchdog/loop-watchdog-worker.ts). The packed package
// runs tsc's copy of it (test/packed/probe-faults.test.ts, top-level-loop.test.ts); this runs it from the sources,
// through tsx, as a checkout without dist/ does: a blocked event loop is seen, the plan's reports are written by
// the thread, and the blocked thread exits with the plan's code.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prober-watchdog-src-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const src = (path: string) => pathToFileURL(join(ROOT, 'src', path)).href;

describe('the loop watchdog from the TypeScript sources', { timeout: 30_000 }, () => {
  it('reports a blocked loop through its thread (a json report written) and exits with the plan code', async () => {
    const out = join(dir, 'blocked.json');
    const script = join(dir, 'blocked.mjs');
    await writeFile(
      script,
      `const { register } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'node_modules/tsx/dist/esm/api/index.mjs')).href)});
register();
const { startLoopWatchdog } = await import(${JSON.stringify(src('watchdog/loop-watchdog.ts'))});
const { runJourneys } = await import(${JSON.stringify(src('journey/run.ts'))});
const { Redactor } = await import(${JSON.stringify(src('redact.ts'))});
const result = await runJourneys([], { environment: 'watchdog', targets: {}, secrets: {}, variables: {},
  redactor: new Redactor(), io: () => () => ({}), userAgent: 'test', maxBodyBytes: 1 });
startLoopWatchdog({
  stallMs: 300,
  onBlocked: (_blocker, stalledMs) => ({
    message: 'blocked for ' + (stalledMs >= 300 ? 'at least 300' : stalledMs) + ' ms',
    report: { result, reporters: [{ name: 'json', path: ${JSON.stringify(out)} }] },
    exitCode: 3,
  }),
});
setTimeout(() => { for (;;) {} }, 50);
`,
    );
    const run = await runNodeScript(script, dir, 25_000);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr.trim().split('\n').at(-1)).toBe('blocked for at least 300 ms');
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ schema: 'prober.run/v1', environment: 'watchdog' });
  });
});
