import { scaleLinear, scaleUtc } from 'd3-scale';
import type { JourneyStatus } from '../../journey/result-schema.js';
import { html, type Html } from '../html-template.js';
import type { RunMark, StepSeries } from './page-model.js';

/** Status colours shared by the strip, the badges and the failure table (CSS uses the same values). */
// Typed with an index signature too, so a status added to the schema later still compiles here (and falls back to grey).
export const STATUS_COLOR: Record<JourneyStatus | 'unknown', string> & Record<string, string> = {
  pass: '#2e9e5b',
  degraded: '#d99a1e',
  flaky: '#e07b39',
  fail: '#d64545',
  error: '#8a63c7',
  unknown: '#9aa3ad',
};

/** Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito). */
const SERIES_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000', '#f0e442'];

const W = 720;
const H = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 24 };

/** About this many gridlines and time labels; d3 picks round values near it (10, 20, 50 ms; whole hours). */
const TICKS = 4;

/**
 * Per-step latency over the last runs: one polyline per step (a gap where the step did not run), y in ms from 0 on
 * round ticks, x on a UTC time axis (when each run started), with each step's p50 and p95 in the legend and its p95 as
 * a dashed guide. Plain SVG: no script, no fonts to load. `times[i]` is when run i (of every series) started.
 */
export function latencyChart(
  series: readonly StepSeries[],
  caption: string,
  times: readonly string[],
  failedRuns: readonly number[] = [],
): Html {
  const runs = Math.max(0, ...series.map((s) => s.points.length));
  if (runs === 0) return html`<p class="empty">No latency data yet.</p>`;
  const highest = Math.max(1, ...series.flatMap((s) => s.points.filter((p): p is number => p !== null)));
  const yScale = scaleLinear()
    .domain([0, highest])
    .nice(TICKS)
    .range([H - PAD.bottom, PAD.top]);
  const at = times.map((t) => new Date(t));
  const first = at[0] ?? new Date(0);
  const xScale = scaleUtc()
    .domain([first, at.at(-1) ?? first])
    .range([PAD.left, W - PAD.right]);
  // One run (or runs at one instant) sits in the middle, as d3 maps an empty domain.
  const x = (i: number) => xScale(at[i] ?? first);
  const y = (ms: number) => yScale(ms);
  const grid = yScale
    .ticks(TICKS)
    .map(
      (ms) =>
        html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}"/><text class="axis" x="${PAD.left - 6}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end">${formatMs(ms)}</text>`,
    );
  const timeLabel = xScale.tickFormat();
  const timeAxis = (at.length > 1 && first.getTime() !== at.at(-1)?.getTime() ? xScale.ticks(TICKS) : [first]).map(
    (t) =>
      html`<text class="axis time" x="${xScale(t).toFixed(1)}" y="${H - 6}" text-anchor="middle">${timeLabel(t)}</text>`,
  );
  const lines = series.map((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length]!;
    const segments = splitSegments(s.points).map(
      (seg) =>
        html`<polyline class="series" data-step="${s.step}" fill="none" stroke="${color}" stroke-width="1.8" points="${seg.map(([i, ms]) => `${x(i).toFixed(1)},${y(ms).toFixed(1)}`).join(' ')}"><title>${s.step} (${s.service})</title></polyline>`,
    );
    const guide =
      s.p95 === undefined
        ? ''
        : html`<line class="p95" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(s.p95).toFixed(1)}" y2="${y(s.p95).toFixed(1)}" stroke="${color}" stroke-dasharray="4 4" stroke-opacity="0.6"/>`;
    return html`<g class="step" data-step="${s.step}">${guide}${segments}</g>`;
  });
  // Failed runs: a red tick at the chart's foot where the run was, since their timings are left out.
  const failed = failedRuns.map(
    (i) =>
      html`<rect class="failed-run" x="${(x(i) - 2).toFixed(1)}" y="${(H - PAD.bottom - 6).toFixed(1)}" width="4" height="6" fill="${STATUS_COLOR.fail}"><title>run failed: not plotted</title></rect>`,
  );
  const keys = [
    html`<li class="key-p95"><span class="swatch dashed" style="border-top:2px dashed #888;background:none"></span>dashed: each step's p95</li>`,
    ...(failedRuns.length === 0
      ? []
      : [
          html`<li class="key-failed"><span class="swatch" style="background:${STATUS_COLOR.fail}"></span>failed run (timings not plotted)</li>`,
        ]),
  ];
  const legend = series.map((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length]!;
    const stats = `p50 ${s.p50 === undefined ? '–' : formatMs(s.p50)} · p95 ${s.p95 === undefined ? '–' : formatMs(s.p95)}`;
    return html`<li data-step="${s.step}"><span class="swatch" style="background:${color}"></span><code>${s.step}</code> <span class="svc">${s.service}</span> <span class="pct">${stats}</span></li>`;
  });
  return html`<figure class="chart"><svg class="latency-chart" role="img" aria-label="${caption}" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">${grid}${lines}${failed}${timeAxis}</svg><figcaption>${caption}</figcaption><ul class="legend">${legend}${keys}</ul></figure>`;
}

/** The last runs as coloured bars, oldest left; each bar's tooltip says when, how long and what status. */
export function runStrip(runs: readonly RunMark[], slots: number): Html {
  const bar = 7;
  const gap = 2;
  // As many slots as runs, stretched to the strip's width (a fixed 90 slots left a short history in a corner).
  const shown = Math.max(1, Math.min(slots, runs.length));
  const width = shown * (bar + gap);
  const offset = (shown - runs.length) * (bar + gap);
  const bars = runs.map(
    (r, i) =>
      html`<rect class="run ${r.status}" data-status="${r.status}" x="${offset + i * (bar + gap)}" y="0" width="${bar}" height="28" rx="1.5" fill="${STATUS_COLOR[r.status]}"><title>${`${r.startedAt} · ${r.status} · ${formatMs(r.durationMs)}`}</title></rect>`,
  );
  return html`<svg class="run-strip" role="img" aria-label="last ${runs.length} runs" viewBox="0 0 ${width} 28" width="100%" height="28" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="${width}" height="28" fill="#eef1f4"/>${bars}</svg>`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

function splitSegments(points: readonly (number | null)[]): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  points.forEach((p, i) => {
    if (p === null) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push([i, p]);
  });
  if (current.length > 0) out.push(current);
  // A lone point is drawn as a tiny segment so it stays visible as part of its series.
  return out.map((seg) => (seg.length === 1 ? [seg[0]!, [seg[0]![0] + 0.0001, seg[0]![1]]] : seg));
}
