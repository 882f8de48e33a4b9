import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HistogramFamily, ProberRegistry, ValueFamily } from '../../src/report/metric-family.js';

const BOUNDS = [0.005, 0.1, 1, 20];
const DEFAULTS = { environment: 'stag"ing', location: 'eu\\west' };
// Label values a journey or step name can carry: quotes, backslashes, newlines, unicode.
const NAMES = ['login', 'chat "reply"', 'a\\b', 'line\nbreak', 'ünï'];
const VALUES = [0, 0.004, 0.005, 0.05, 1, 3.25, 20, 21, 1e6];

/** The same observations through prom-client's own metrics and through the cached families. */
function both() {
  const plain = new Registry();
  plain.setDefaultLabels(DEFAULTS);
  const ours = new ProberRegistry();
  ours.setDefaultLabels(DEFAULTS);
  const pc = new Counter({
    name: 't_total',
    help: 'runs "by" status\\n',
    labelNames: ['journey', 'status'],
    registers: [],
  });
  const pg = new Gauge({ name: 't_up', help: 'up', labelNames: ['journey'], registers: [] });
  const ph = new Histogram({
    name: 't_seconds',
    help: 'd',
    labelNames: ['journey', 'step'],
    buckets: BOUNDS,
    registers: [],
  });
  for (const m of [pc, pg, ph]) plain.registerMetric(m);
  const oc = new ValueFamily('t_total', 'runs "by" status\\n', 'counter', ['journey', 'status']);
  const og = new ValueFamily('t_up', 'up', 'gauge', ['journey']);
  const oh = new HistogramFamily('t_seconds', 'd', ['journey', 'step'], BOUNDS);
  for (const f of [oc, og, oh]) ours.register(f);
  NAMES.forEach((journey, i) => {
    pc.inc({ journey, status: 'pass' }, 0);
    oc.child({ journey, status: 'pass' });
    for (const v of VALUES.slice(i)) {
      pc.inc({ journey, status: 'fail' }, v);
      oc.inc({ journey, status: 'fail' }, v);
      ph.observe({ journey, step: NAMES[(i + 1) % NAMES.length]! }, v);
      oh.observe(oh.child({ journey, step: NAMES[(i + 1) % NAMES.length]! }), v);
    }
    pg.set({ journey }, i - 2.5);
    og.set({ journey }, i - 2.5);
  });
  return { plain, ours };
}

describe('metric families', () => {
  it('render exactly the text prom-client renders for the same series (labels, escaping, buckets, default labels)', async () => {
    const { plain, ours } = both();
    const expected = await plain.metrics();
    expect(expected).toContain('t_seconds_bucket{le="0.005"');
    expect(await ours.metrics()).toBe(expected);
  });

  it('keep series of prom-client metrics registered beside them, in registration order', async () => {
    const { plain, ours } = both();
    for (const r of [plain, ours])
      new Counter({ name: 'z_total', help: 'z', labelNames: ['reason'], registers: [r] }).inc({ reason: 'x' });
    expect(await ours.metrics()).toBe(await plain.metrics());
  });
});
