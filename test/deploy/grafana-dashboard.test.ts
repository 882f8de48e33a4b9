import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { exportedMetricNames, proberMetricNames } from './exported-metrics.js';

const DASHBOARD = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../deploy/grafana/golden-path-prober.json'), 'utf8'),
) as {
  uid: string;
  panels: { id: number; title: string; targets: { refId: string; expr: string }[] }[];
  templating: { list: { name: string; query: string }[] };
};
const dir = mkdtempSync(join(tmpdir(), 'prober-grafana-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Grafana's variables as Prometheus would see them with "All" selected. */
function concrete(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replace(/\$(environment|location|journey)\b/g, '.*');
}

const queries = DASHBOARD.panels.flatMap((p) =>
  p.targets.map((t) => ({ record: `grafana:panel_${p.id}_${t.refId}`, expr: concrete(t.expr), title: p.title })),
);

describe('deploy/grafana dashboard', () => {
  it('every panel query loads in promtool (as a recording rule) and one evaluates to the expected number', () => {
    expect(queries.length).toBeGreaterThanOrEqual(10);
    writeFileSync(
      join(dir, 'dashboard-rules.yml'),
      stringify({
        groups: [{ name: 'grafana-dashboard', rules: queries.map(({ record, expr }) => ({ record, expr })) }],
      }),
    );
    const check = spawnSync('/usr/bin/promtool', ['check', 'rules', 'dashboard-rules.yml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`SUCCESS: ${queries.length} rules found`);
    // "Locations failing per journey" over two locations, two replicas in eu: eu fails, us passes → 1.
    const failing = queries.find((q) => q.title === 'Locations failing per journey')!;
    const up = (location: string, instance: string, v: string) => ({
      series: `prober_journey_up{environment="staging",location="${location}",journey="login",instance="${instance}"}`,
      values: v,
    });
    writeFileSync(
      join(dir, 'dashboard-rules.test.yml'),
      stringify({
        rule_files: ['dashboard-rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [up('eu', 'a', '0x5'), up('eu', 'b', '0x5'), up('us', 'c', '1x5')],
            promql_expr_test: [
              {
                expr: failing.record,
                eval_time: '3m',
                exp_samples: [{ labels: `${failing.record}{journey="login"}`, value: 1 }],
              },
            ],
          },
        ],
      }),
    );
    const test = spawnSync('/usr/bin/promtool', ['test', 'rules', 'dashboard-rules.test.yml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });

  it('is built on the metrics the prober exports, and its variables come from them', async () => {
    const exported = await exportedMetricNames();
    const used = new Set(
      [...queries.map((q) => q.expr), ...DASHBOARD.templating.list.map((v) => v.query)].flatMap(proberMetricNames),
    );
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((m) => !exported.has(m))).toEqual([]);
    expect(DASHBOARD.templating.list.map((v) => v.name)).toEqual(['datasource', 'environment', 'location', 'journey']);
  });
});
