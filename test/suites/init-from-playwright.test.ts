import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guessBaseUrl, renderConfig } from '../../src/cli/init-from-playwright.js';
import { packedProject } from '../support/packed-project.js';
import { suiteWorkspace } from './suite-workspace.js';

describe('prober init --from-playwright', () => {
  it.each([
    ["use: { baseURL: 'https://shop.example.com' }", 'https://shop.example.com'],
    ['baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",', 'http://127.0.0.1:3000'],
    ['baseURL: process.env.BASE_URL || `https://a.example`', 'https://a.example'],
    ['baseURL: process.env.BASE_URL,', undefined],
    ['use: {}', undefined],
  ])('baseURL from %s', (source, url) => {
    expect(guessBaseUrl(source)).toBe(url);
  });

  it('schedules every journey and marks each decision', () => {
    const text = renderConfig({
      config: 'e2e/playwright.config.ts',
      baseURL: undefined,
      names: ["s: it's ok"],
      problems: [],
    });
    expect(text).toContain(`'s: it\\'s ok': { schedule: '*/5 * * * *' },`);
    expect(text).toContain("config: 'e2e/playwright.config.ts'");
    expect(text.match(/DECIDE:/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('in a project with a Playwright suite: writes a config that validates and lists its tests', async () => {
    const ws = await suiteWorkspace();
    rmSync(join(ws, 'prober.config.ts'));
    const project = packedProject();
    const init = await project.prober(['init', '--from-playwright'], { cwd: ws });
    expect(init.code, init.stderr).toBe(0);
    const written = readFileSync(join(ws, 'prober.config.ts'), 'utf8');
    // The suite is named after the Playwright config's folder (here the workspace's).
    expect(written).toMatch(/: logs out': \{ schedule: '\*\/5 \* \* \* \*' \},/);
    // Run again: the file is the user's now, never overwritten.
    expect((await project.prober(['init', '--from-playwright'], { cwd: ws })).code).toBe(2);
    const list = await project.prober(['list', '--config', 'prober.config.ts'], { cwd: ws });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(': conversation › answers two messages in a row');
  });
});
