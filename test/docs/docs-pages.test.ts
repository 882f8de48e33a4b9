import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { codeBlocks, docFiles, MAINTAINER_PAGES, prose, read } from './doc-files.js';

/** The pages the README promises, one per concept (issue #28); others may add more, never fewer. */
const CONCEPT_PAGES = [
  'getting-started',
  'writing-journeys',
  'protocols',
  'logins',
  'bring-your-own-client',
  'browser-journeys',
  'playwright-suites',
  'ci',
  'scheduling',
  'alerting',
  'status-page-and-metrics',
  'network',
  'fleet',
  'troubleshooting',
  'architecture',
  'contributing',
  'node-versions',
  'reference/cli',
  'reference/config',
];

describe('the documentation a user can find things in', () => {
  const files = docFiles(ROOT);

  it('the README is short: at most 250 lines, with the two set-up commands near the top', () => {
    const readme = read(ROOT, 'README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    const top = readme.split('\n').slice(0, 25).join('\n');
    expect(top).toContain('npm ci && npm run demo');
    expect(top).toContain('npm ci && npm test');
  });

  it('docs/ has a page per concept, each linked from the index', () => {
    const index = read(ROOT, 'docs/README.md');
    for (const page of CONCEPT_PAGES) {
      expect(files, page).toContain(`docs/${page}.md`);
      expect(index, page).toContain(`(${page}.md)`);
    }
  });

  it('every relative link in README, docs/ and bench/README.md points at a file that exists', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const [, target] of prose(read(ROOT, file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const path = normalize(join(dirname(file), target.split('#')[0] ?? ''));
        if (!existsSync(join(ROOT, path))) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('user pages cite no src/ file: a package user does not read the sources', () => {
    const citing = files
      .filter((f) => !MAINTAINER_PAGES.has(f))
      .flatMap((f) => [...read(ROOT, f).matchAll(/`src\/[^`]*`/g)].map((m) => `${f}: ${m[0]}`));
    expect(citing).toEqual([]);
  });

  it('no TypeScript block elides code with "// ..." (a block is whole, or marked fragment)', () => {
    const elided = files
      .flatMap((f) => codeBlocks(f, read(ROOT, f)))
      .filter((b) => b.lang === 'ts' && /^\s*\/\/ \.\.\.\s*$/m.test(b.code))
      .map((b) => `${b.file}:${b.line}`);
    expect(elided).toEqual([]);
  });
});
