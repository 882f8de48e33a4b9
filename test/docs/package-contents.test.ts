import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { docFiles, MAINTAINER_PAGES, read } from './doc-files.js';

/**
 * The package ships what the docs tell users to use: every `deploy/`, `examples/`, `schemas/` path (and the shipped
 * configs and probes) a user page names is in the tarball `npm pack` makes; what only a checkout needs is not.
 */
const packed: string[] = (() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [{ files }] = JSON.parse(out) as [{ files: { path: string }[] }];
  return files.map((f) => f.path);
})();

/** Paths a user page names that live in the package, cut before a placeholder (`overlays/<location>/`). */
function shippedPathsNamed(text: string): string[] {
  const found = text.matchAll(
    /(?<![\w/.-])((?:deploy|examples|schemas)\/[\w./-]*|probes\/golden-path-[\w-]+\.ts|config\/(?:sandbox|staging\.example)\.ts)/g,
  );
  return [...new Set([...found].map((m) => (m[1] ?? '').replace(/[.]+$/, '')))];
}

describe('the package ships what the docs use', () => {
  it('every shipped path the user docs name is in the tarball', () => {
    const missing: string[] = [];
    for (const file of docFiles(ROOT).filter((f) => !MAINTAINER_PAGES.has(f))) {
      for (const path of shippedPathsNamed(read(ROOT, file))) {
        const dir = path.endsWith('/') ? path : `${path}/`;
        if (!packed.includes(path) && !packed.some((p) => p.startsWith(dir))) missing.push(`${file}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('ships deploy/, examples/, schemas/ and the built dist/, but not src/, source maps or the build info', () => {
    for (const dir of ['deploy/prometheus/', 'deploy/kubernetes/', 'examples/', 'schemas/', 'dist/', 'bin/'])
      expect(
        packed.some((p) => p.startsWith(dir)),
        dir,
      ).toBe(true);
    expect(packed).toContain('schemas/run.schema.json');
    expect(packed).toContain('CHANGELOG.md');
    expect(packed.filter((p) => p.startsWith('src/') || p.endsWith('.map') || p.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('the path finder reads paths out of prose and commands', () => {
    expect(
      shippedPathsNamed(
        'run `promtool test rules deploy/prometheus/prober-rules.test.yml`, see examples/protocols/ and deploy/kubernetes/overlays/<location>/.',
      ),
    ).toEqual(['deploy/prometheus/prober-rules.test.yml', 'examples/protocols/', 'deploy/kubernetes/overlays/']);
  });
});
