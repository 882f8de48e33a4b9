import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packedProject } from '../support/packed-project.js';

/**
 * What the docs tell an operator to run, run on the files the package installs (not on this checkout's):
 * `promtool test rules` on the shipped Prometheus rules and `kubectl kustomize` on every shipped Kustomize folder.
 */
const deploy = () => join(packedProject().root, 'node_modules/golden-path-prober/deploy');

describe('the packaged deploy/ works as the docs say', () => {
  it('promtool test rules passes on the packaged Prometheus rules', () => {
    const r = spawnSync('promtool', ['test', 'rules', 'prober-rules.test.yml'], {
      cwd: join(deploy(), 'prometheus'),
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it.each(['fleet', 'base', 'rules'])('kubectl kustomize renders the packaged deploy/kubernetes/%s', (folder) => {
    const r = spawnSync('kubectl', ['kustomize', join(deploy(), 'kubernetes', folder)], { encoding: 'utf8' });
    expect(r.stderr.replace(/^.*(deprecated|Warning).*$/gim, '').trim()).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^kind: /m);
  });
});
