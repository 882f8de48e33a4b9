import { describe, expect, it } from 'vitest';
import { latencyChart } from '../../src/report/status-page/svg-charts.js';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 1, minute)).toISOString();
const labels = (chart: { toString(): string }, cls: string) =>
  [...String(chart).matchAll(new RegExp(`<text class="${cls}" x="([\\d.]+)"[^>]*>([^<]*)<`, 'g'))].map((m) => ({
    x: Number(m[1]),
    text: m[2],
  }));

describe('status page latency chart scales (d3-scale)', () => {
  it.each([
    [
      'a 38 ms peak: round ms ticks, not quarters of it',
      [12, 38, null, 20],
      ['0 ms', '10 ms', '20 ms', '30 ms', '40 ms'],
    ],
    ['a 1234 ms peak', [1234, 800], ['0 ms', '500 ms', '1.0 s', '1.5 s']],
    ['a 3 ms peak', [1, 3], ['0 ms', '1 ms', '2 ms', '3 ms']],
  ] as const)('%s', (_name, points, ticks) => {
    const svg = latencyChart(
      [{ step: 'a', service: 's', points: [...points], p50: 1, p95: 2 }],
      'c',
      points.map((_, i) => at(i * 10)),
    );
    expect(labels(svg, 'axis').map((l) => l.text)).toEqual(ticks);
  });

  it('x is a UTC time axis: round times, left to right, inside the plot', () => {
    const svg = latencyChart(
      [{ step: 'a', service: 's', points: [5, 6, 7, 8, 9, 10, 11], p50: 8, p95: 11 }],
      'c',
      [0, 10, 20, 30, 40, 50, 60].map(at),
    );
    const times = labels(svg, 'axis time');
    expect(times.map((t) => t.text)).toEqual(['01 AM', '01:15', '01:30', '01:45', '02 AM']);
    expect(times.map((t) => t.x)).toEqual([...times.map((t) => t.x)].sort((a, b) => a - b));
  });

  it('one run sits in the middle with its own time', () => {
    const svg = latencyChart([{ step: 'a', service: 's', points: [40], p50: 40, p95: 40 }], 'c', [at(0)]);
    expect(labels(svg, 'axis time')).toEqual([{ x: 382, text: '01 AM' }]);
  });
});
