import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportedMetricNames, exportedMetricsText, proberMetricNames } from './exported-metrics.js';

const DIR = join(import.meta.dirname, '../../deploy/prometheus');
const PROMTOOL = '/usr/bin/promtool';

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

describe('deploy/prometheus rules', () => {
  it('are valid rule files and pass their promtool unit tests (quorum over configured locations, lost replica, lost location, a replica that lost its claims, stuck/dead prober, error rate, store errors)', () => {
    const check = spawnSync(PROMTOOL, ['check', 'rules', 'prober-rules.yml'], { cwd: DIR, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync(PROMTOOL, ['test', 'rules', 'prober-rules.test.yml'], { cwd: DIR, encoding: 'utf8' });
    expect(test.stdout + test.stderr).toContain('SUCCESS');
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });

  it('has a promtool test case for every alert it ships', () => {
    const rules = parse(readFileSync(join(DIR, 'prober-rules.yml'), 'utf8')) as RuleFile;
    const tests = readFileSync(join(DIR, 'prober-rules.test.yml'), 'utf8');
    const alerts = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert])));
    expect(alerts.length).toBeGreaterThanOrEqual(6);
    // Dead letters are covered by the prober's own delivery tests; every other alert has a firing case here.
    expect(alerts.filter((a) => a !== 'ProberAlertDeadLetters' && !tests.includes(`alertname: ${a}`))).toEqual([]);
  });

  it('read only metrics the prober exports, with the environment and location labels they aggregate by', async () => {
    const text = await exportedMetricsText();
    const exported = await exportedMetricNames();
    const rules = parse(readFileSync(join(DIR, 'prober-rules.yml'), 'utf8')) as RuleFile;
    const read = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => proberMetricNames(r.expr))));
    expect(read.size).toBeGreaterThanOrEqual(6);
    expect([...read].filter((name) => !exported.has(name))).toEqual([]);
    for (const line of text.split('\n').filter((l) => l.startsWith('prober_'))) {
      expect(line).toMatch(/environment="staging"/);
      expect(line).toMatch(/location="(eu|us)"/);
    }
  });

  it('promtool is the one CI installs', () => {
    expect(execFileSync(PROMTOOL, ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version 2\./);
  });
});
