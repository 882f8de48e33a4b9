import { html, joinHtml, type Html } from '../html-template.js';
import { artifactHref, percentText } from './html.js';
import type { FailureRow, JourneyPanel, StatusPageModel } from './page-model.js';
import { STATUS_COLOR, latencyChart, runStrip } from './svg-charts.js';

/** The strip always has this many slots, so a young journey's bars sit at the right like an old one's. */
const STRIP_SLOTS = 90;

const LABEL: Record<JourneyPanel['status'], string> & Record<string, string> = {
  pass: 'Operational',
  degraded: 'Degraded',
  flaky: 'Flaky (passed on a retry)',
  fail: 'Failing',
  error: 'Unknown (prober error)',
  unknown: 'No data',
};

/**
 * A dot in the colour of the page's headline, so a pinned tab shows the state; inline (a data: URL, which the
 * daemon's CSP allows for images) so the page stays one self-contained document and no /favicon.ico 404s.
 */
export function favicon(status: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="${STATUS_COLOR[status] ?? STATUS_COLOR.unknown}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * The status page as one self-contained HTML document: inline CSS and SVG, no script, no external resource
 * (the daemon also sends a CSP that forbids them), so it reads the same with JavaScript off and works offline.
 */
export function renderStatusPage(model: StatusPageModel): string {
  const worst =
    model.journeys.find((j) => j.status === 'fail') ??
    model.journeys.find((j) => j.status === 'error' || j.status === 'degraded');
  const headline =
    model.journeys.length === 0
      ? 'No journeys yet'
      : worst === undefined
        ? 'All journeys operational'
        : `${worst.journey}: ${LABEL[worst.status]}`;
  const refresh =
    model.refreshSeconds === undefined ? '' : html`<meta http-equiv="refresh" content="${model.refreshSeconds}">`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}
<title>${`${headline} · ${model.environment} · prober`}</title>
<link rel="icon" href="${favicon(worst?.status ?? (model.journeys.length === 0 ? 'unknown' : 'pass'))}">
<style>${CSS}</style>
</head>
<body>
<header><h1>${model.environment}</h1><p class="headline">${headline}</p>
<p class="meta">Generated ${model.generatedAt}${model.refreshSeconds === undefined ? '' : ` · refreshes every ${model.refreshSeconds} s`}${model.refreshSeconds === undefined ? '' : html` · <a href="api/results?limit=20">JSON</a> · <a href="metrics">metrics</a>`}</p>${model.exposure === undefined ? '' : html`<p class="headline" role="alert">⚠ ${model.exposure}</p>`}</header>
<main>
${joinHtml(model.journeys.map(journeySection), '\n')}
</main>
</body>
</html>
`.toString();
}

function journeySection(j: JourneyPanel): Html {
  const charted = Math.max(0, ...j.latency.map((s) => s.points.length));
  const caption = `Step latency of ${j.journey}, last ${charted} runs (times in UTC, as everywhere on this page)`;
  // The chart's runs are the strip's latest ones (the model cuts both from the same history, oldest first).
  const chartTimes = j.runs.slice(-charted).map((r) => r.startedAt);
  const statuses = Object.keys(STATUS_COLOR).filter((s) => s !== 'unknown');
  return html`<section class="journey" id="${slug(j.journey)}" data-journey="${j.journey}" data-status="${j.status}">
<h2><span class="badge" style="background:${STATUS_COLOR[j.status]}">${LABEL[j.status]}</span> ${j.journey}</h2>
<p class="verdict">${j.verdict}</p>
${locationList(j)}<p class="desc">${j.description}${j.schedule === undefined ? '' : html` · schedule <code>${j.schedule}</code>`}${j.lastRunAt === undefined ? '' : ` · last run ${j.lastRunAt}`}</p>
<dl class="uptime"><div><dt>Uptime 24 h</dt><dd data-window="24h">${percentText(j.uptime24h)}</dd></div><div><dt>Uptime 7 d</dt><dd data-window="7d">${percentText(j.uptime7d)}</dd></div><div><dt>Runs shown</dt><dd>${j.runs.length}</dd></div></dl>
<h3>Last ${j.runs.length} runs</h3>
${runStrip(j.runs, STRIP_SLOTS)}
<p class="key">${joinHtml(
    statuses.map((s) => html`<span><i style="background:${STATUS_COLOR[s]}"></i>${s}</span>`),
    ' ',
  )}</p>
<h3>Step latency</h3>
${latencyChart(j.latency, caption, chartTimes, j.failedRuns)}
<h3>Last failures</h3>
${failureTable(j.failures)}
</section>`;
}

/** Fleet: what each location saw last, so "fails from eu only" is visible at a glance. */
function locationList(j: JourneyPanel): Html {
  const q = j.quorum;
  const quorum =
    q === undefined
      ? html``
      : html`<p class="quorum" data-alert="${q.firing ? 'firing' : 'ok'}">Alert ${q.firing ? 'firing' : 'not firing'}: fires while ${q.required} of ${q.failing.length + q.passing.length + q.stale.length} locations fail · failing: ${q.failing.join(', ') || 'none'}${q.stale.length === 0 ? '' : ` · no recent result: ${q.stale.join(', ')}`}</p>\n`;
  if (j.locations.length === 0) return quorum;
  const items = j.locations.map(
    (l) =>
      html`<li data-location="${l.location}" data-status="${l.status}"><i style="background:${STATUS_COLOR[l.status]}"></i><b>${l.location}</b> ${LABEL[l.status]} · ${l.startedAt}</li>`,
  );
  return html`${quorum}<ul class="locations" aria-label="Latest result per location">${items}</ul>\n`;
}

function failureTable(rows: readonly FailureRow[]): Html {
  if (rows.length === 0) return html`<p class="empty">No failures among the runs shown.</p>`;
  const body = rows.map((f) => {
    const links = f.artifacts.map(
      (a, i) => html`<a href="${artifactHref(a)}">${i === 0 ? 'screenshot' : `artifact ${i + 1}`}</a>`,
    );
    const where = f.location === undefined ? '' : html` <span class="svc">(${f.location})</span>`;
    return html`<tr class="${f.status}"><td>${f.startedAt}${where}</td><td><code>${f.step}</code></td><td>${f.service}</td><td>${f.category}</td><td>${f.message}</td><td>${links.length === 0 ? '–' : joinHtml(links, ' ')}</td></tr>`;
  });
  return html`<table class="failures"><thead><tr><th>When</th><th>Step</th><th>Service</th><th>Category</th><th>Message</th><th>Evidence</th></tr></thead><tbody>${body}</tbody></table>`;
}

function slug(name: string): string {
  return `journey-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

const CSS = html`
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;background:#f7f8fa}
body{margin:0 auto;max-width:960px;padding:16px}
header h1{margin:0;font-size:1.5rem}
.headline{font-size:1.15rem;margin:.25rem 0}
.meta,.desc,.key,.empty{color:#5b6570;font-size:.85rem}
section.journey{background:#fff;border:1px solid #dde2e7;border-radius:8px;padding:16px;margin:16px 0}
h2{margin:0 0 .4rem;font-size:1.2rem;display:flex;gap:.6rem;align-items:center}
h3{font-size:.95rem;margin:1rem 0 .4rem}
.badge{color:#fff;border-radius:4px;padding:2px 8px;font-size:.8rem}
.verdict{font-size:1rem;margin:.2rem 0}
.uptime{display:flex;gap:2rem;margin:.6rem 0}
.uptime dt{font-size:.75rem;color:#5b6570}.uptime dd{margin:0;font-size:1.3rem;font-weight:600}
.key span{margin-right:.8rem}.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
.chart{margin:0}.chart figcaption{position:absolute;left:-9999px}
.grid{stroke:#e6e9ed}.axis{font-size:11px;fill:#5b6570}
.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.82rem}
.swatch{display:inline-block;width:14px;height:4px;vertical-align:middle;margin-right:4px}
.locations{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;font-size:.85rem}
.locations i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px}
.svc{color:#5b6570}.pct{font-variant-numeric:tabular-nums}
table.failures{border-collapse:collapse;width:100%;font-size:.82rem}
.failures th,.failures td{border-bottom:1px solid #e6e9ed;padding:4px 6px;text-align:left;vertical-align:top}
tr.fail td:first-child{border-left:3px solid ${STATUS_COLOR.fail}}tr.error td:first-child{border-left:3px solid ${STATUS_COLOR.error}}
`;
