import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import type { JourneyResult, RunResult, StepResult } from '../journey/result-schema.js';
import type { Reporter } from './reporter.js';
import { html, joinHtml, type Html } from './html-template.js';

const COLOR: Record<string, string> = {
  pass: '#2e9e5b',
  degraded: '#d99a1e',
  flaky: '#e07b39',
  fail: '#d64545',
  error: '#8a63c7',
  skipped: '#9aa0a6',
};

/** Screenshots are embedded so the report is one file that can be attached to a CI run or an incident. */
export type ImageLoader = (path: string) => Promise<string | undefined>;

export const loadPng: ImageLoader = async (path) => {
  if (extname(path).toLowerCase() !== '.png') return undefined;
  try {
    return `data:image/png;base64,${(await readFile(resolve(path))).toString('base64')}`;
  } catch {
    return undefined; // evidence is best effort; a missing file must not lose the report
  }
};

/** One self-contained HTML file (no scripts, no external resources) rendered from the run result. */
export async function renderHtml(
  result: RunResult,
  loadImage: ImageLoader = loadPng,
  reportDir: string = process.cwd(),
): Promise<string> {
  const link = (artifact: string) => relativeLink(reportDir, artifact);
  const journeys = await Promise.all(result.journeys.map((j) => journeySection(j, loadImage, link)));
  const s = result.summary;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${`${result.status.toUpperCase()} · ${result.environment} · golden-path-prober`}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2rem} .badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;color:#fff;font-weight:600;font-size:.8rem}
.verdict{font-size:1.05rem;margin:.3rem 0 1rem} table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #e3e6ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
.timeline{position:relative;height:1.2rem;background:#f3f4f6;border-radius:.2rem;min-width:12rem} .bar{position:absolute;top:0;bottom:0;border-radius:.2rem;min-width:2px}
.muted{color:#59636e;font-size:.85rem} img.shot{max-width:100%;border:1px solid #d0d7de;margin:.5rem 0;cursor:zoom-in} code{font-size:.85rem}
/* Click a screenshot for it full size (no script: the details element opens an overlay); click again to close. */
details.zoom>summary{list-style:none;display:block} details.zoom>summary::-webkit-details-marker{display:none}
details.zoom[open]>summary{position:fixed;inset:0;z-index:10;overflow:auto;background:rgba(0,0,0,.85);padding:1rem}
details.zoom[open] img.shot{max-width:none;cursor:zoom-out;background:#fff}
</style></head><body>
<h1><span class="badge" style="background:${COLOR[result.status]}">${result.status.toUpperCase()}</span> ${result.environment}</h1>
<p class="muted">run ${result.runId} · ${result.startedAt} · ${(result.durationMs / 1000).toFixed(1)} s · ${s.journeys} journeys: ${s.passed} passed, ${s.degraded} degraded, ${s.flaky} flaky, ${s.failed} failed, ${s.errored} could not be judged · prober ${result.proberVersion}</p>
${joinHtml(journeys, '\n')}
</body></html>
`.toString();
}

type Link = (artifact: string) => string;

async function journeySection(j: JourneyResult, loadImage: ImageLoader, link: Link): Promise<Html> {
  const attempts = await Promise.all(
    (j.attempts ?? []).map(async (a, i) => {
      const badge = html`<span class="badge" style="background:${COLOR[a.status]}">${a.status}</span>`;
      return html`<details class="attempt" data-attempt="${i + 1}"${a.status === 'pass' ? '' : html` open`}><summary>${badge} attempt ${i + 1} of ${(j.attempts ?? []).length + 1}: ${a.verdict}</summary>
${await stepTable(a.steps, a.startedAt, loadImage, link)}</details>`;
    }),
  );
  const last =
    attempts.length === 0
      ? ''
      : html`<p><strong>Attempt ${attempts.length + 1} of ${attempts.length + 1}</strong> (the verdict above):</p>`;
  return html`<section id="${j.journey}">
<h2><span class="badge" style="background:${COLOR[j.status]}">${j.status.toUpperCase()}</span> ${j.journey}</h2>
<p class="verdict">${j.verdict}</p><p class="muted">${j.description} · ${Math.round(j.durationMs)} ms</p>
${attempts.length === 0 ? '' : html`<p>Earlier attempts:</p>${joinHtml(attempts, '\n')}`}
${last}${await stepTable(j.steps, attempts.length === 0 ? j.startedAt : (j.steps[0]?.startedAt ?? j.startedAt), loadImage, link)}</section>`;
}

/** One attempt's steps on a timeline starting at its first step. */
async function stepTable(
  steps: readonly StepResult[],
  startedAt: string,
  loadImage: ImageLoader,
  link: Link,
): Promise<Html> {
  const t0 = Date.parse(startedAt);
  const span = Math.max(1, ...steps.map((s) => Date.parse(s.startedAt) - t0 + s.durationMs));
  const rows = await Promise.all(steps.map((s) => stepRow(s, t0, span, loadImage, link)));
  return html`<table><thead><tr><th>step</th><th>service</th><th>status</th><th>time</th><th style="width:35%">timeline</th><th>evidence</th></tr></thead>
<tbody>${joinHtml(rows, '\n')}</tbody></table>`;
}

async function stepRow(s: StepResult, t0: number, span: number, loadImage: ImageLoader, link: Link): Promise<Html> {
  const left = ((Date.parse(s.startedAt) - t0) / span) * 100;
  const width = (s.durationMs / span) * 100;
  const error = s.error === undefined ? '' : html`<div><strong>${s.error.category}</strong>: ${s.error.message}</div>`;
  const skip = s.skipReason === undefined ? '' : html`<div class="muted">${s.skipReason}</div>`;
  const ev = s.evidence;
  const evidence = [
    ev?.traceId === undefined ? undefined : html`traceId <code>${ev.traceId}</code>`,
    ...(ev?.requestIds ?? []).map((r) => html`request <code>${r}</code>`),
    ...(ev?.http ?? []).map(
      (x) =>
        html`${x.method} ${x.url} → ${x.status ?? '—'} (${Object.entries(x.timings)
          .map(([k, v]) => `${k} ${Math.round(v)}`)
          .join(', ')} ms)`,
    ),
    ...Object.entries(ev?.metrics ?? {}).map(([k, v]) => html`${k} ${v}`),
    s.location === undefined ? undefined : html`at <code>${s.location}</code>`,
  ].filter((e): e is Html => e !== undefined);
  const shots = await Promise.all(
    (s.artifacts ?? []).map(async (a) => {
      const src = await loadImage(a);
      if (src !== undefined)
        return html`<details class="zoom"><summary><img class="shot" alt="${`screenshot of ${s.name}`}" src="${src}"></summary></details>`;
      const href = link(a);
      if (a.endsWith('.zip')) {
        return html`<div><a class="trace" href="${href}">View trace</a> <span class="muted">(open with <code>npx playwright-core show-trace ${href}</code>)</span></div>`;
      }
      return html`<div><a class="artifact" href="${href}">${href}</a></div>`;
    }),
  );
  return html`<tr data-step="${s.name}" data-status="${s.status}"><td>${s.name}${error}${skip}</td><td>${s.service}</td><td><span class="badge" style="background:${COLOR[s.status]}">${s.status}</span></td><td>${Math.round(s.durationMs)} ms</td>
<td><div class="timeline"><div class="bar" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%;background:${COLOR[s.status]}"></div></div></td>
<td class="muted">${joinHtml(evidence, html`<br>`)}${shots}</td></tr>`;
}

/** An artifact's path relative to the report's folder (forward slashes), so an uploaded or moved folder keeps working. */
export function relativeLink(reportDir: string, artifact: string): string {
  return relative(reportDir, resolve(artifact)).split(sep).join('/');
}

export function htmlReporter(path: string | undefined): Reporter {
  return {
    name: 'html',
    async report(result) {
      const html = await renderHtml(
        result,
        loadPng,
        path === undefined || path === '-' ? process.cwd() : dirname(resolve(path)),
      );
      if (path === undefined || path === '-') return void process.stdout.write(html);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, html);
    },
  };
}
