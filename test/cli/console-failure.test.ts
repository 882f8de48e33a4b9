import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';

/**
 * What a person reads on the console after a failed browser step, from the real CLI: where the step is defined,
 * where its screenshot and trace went, the HTML report, and the failure printed once (not also as a log line).
 */
const dir = mkdtempSync(join(tmpdir(), 'prober-console-'));
let server: Server;

const api = pathToFileURL(join(ROOT, 'src/index.ts')).href;
const browser = pathToFileURL(join(ROOT, 'src/browser.ts')).href;
writeFileSync(
  join(dir, 'probe.ts'),
  `import { journey, step } from '${api}';
import { onPage } from '${browser}';
export default journey({ name: 'page', description: 'd', capability: 'see the page', needs: { browser: true },
  steps: [
    step('page.open', { service: 'web', timeoutMs: 8000 }, onPage(async (page, ctx) => {
      await page.goto(ctx.target('web'), { signal: ctx.signal });
    })),
    step('page.button', { service: 'web', timeoutMs: 1500 }, onPage(async (page, ctx) => {
      await page.getByRole('button', { name: 'Never there' }).click({ signal: ctx.signal });
    })),
  ] });\n`,
);

function writeConfig(web: string): string {
  const path = join(dir, 'prober.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      environment: 'test',
      targets: { web },
      probes: ['probe.ts'],
      browser: { trace: 'on-failure', artifactsDir: 'artifacts' },
    }),
  );
  return path;
}

beforeAll(async () => {
  server = createServer((_req, res) => res.end('<!doctype html><title>t</title><p>no button here</p>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const web = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

describe('the console reporter after a failed step', () => {
  it('names the step file:line, the screenshot, the trace and the HTML report, and prints the failure once', async () => {
    const config = writeConfig(web());
    const r = await runCli(['run', '--config', config, '--reporter', 'console', '--reporter', 'html=report.html'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    const failed = lines.findIndex((l) => l.includes('✗ page.button'));
    expect(failed, r.stdout).toBeGreaterThan(-1);
    // probe.ts line 8 is the step('page.button', ...) call.
    expect(lines[failed + 1]).toBe('      at probe.ts:8');
    const shot = /^ {6}screenshot: (\S+\.png)$/.exec(lines[failed + 2] ?? '')?.[1];
    const trace = /^ {6}trace: (\S+\.zip)$/.exec(lines[failed + 3] ?? '')?.[1];
    expect([shot, trace], r.stdout).toEqual([
      expect.stringMatching(/^artifacts\//),
      expect.stringMatching(/^artifacts\//),
    ]);
    expect(existsSync(join(dir, shot!)) && existsSync(join(dir, trace!))).toBe(true);
    expect(lines).toContain('HTML report: report.html');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    // Once on the console: the step line (the verdict line is the journey's sentence), nothing on stderr.
    expect(lines.filter((l) => l.includes('✗ page.button'))).toHaveLength(1);
    expect(r.stderr).not.toContain('step/end');
  });

  it('--headed without a display says so in one line and suggests xvfb-run', async () => {
    const config = writeConfig(web());
    const env = { DISPLAY: '', WAYLAND_DISPLAY: '' };
    const r = await runCli(['run', '--config', config, '--headed'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'prober: Chromium cannot open a window: --headed (browser.headless: false) needs a display and DISPLAY is not set; run it under xvfb-run',
    );
    expect(r.stdout).not.toContain('has been closed');
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
  });
});
