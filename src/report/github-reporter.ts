import { appendFile } from 'node:fs/promises';
import type { RunResult } from '../journey/result-schema.js';
import { escapeText } from './html-template.js';
import type { Reporter } from './reporter.js';

const ICON: Record<string, string> = { pass: '✅', degraded: '🐢', flaky: '⚠️', fail: '❌', error: '⛔', skipped: '⏭️' };

/** Markdown for `$GITHUB_STEP_SUMMARY`: the verdict first, then one table per journey. */
export function renderGithubSummary(result: RunResult): string {
  // Markdown renders inline HTML, so a message like "<b>" must be escaped as well as table pipes.
  const cell = (t: string) => escapeText(t).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [
    `## ${ICON[result.status] ?? ''} golden-path-prober: ${result.status.toUpperCase()} (${cell(result.environment)})`,
    '',
  ];
  for (const j of result.journeys) {
    lines.push(`### ${ICON[j.status] ?? ''} ${cell(j.journey)}`, '', `**${cell(j.verdict)}**`, '');
    const attempts = j.attempts ?? [];
    for (const [i, a] of attempts.entries()) {
      lines.push(
        `- attempt ${i + 1} of ${attempts.length + 1}: ${ICON[a.status] ?? ''} ${a.status} — ${cell(a.verdict)}`,
      );
      // A Markdown summary cannot embed the screenshots; their paths find them in the run's artifacts.
      for (const s of a.steps)
        for (const file of s.artifacts ?? []) lines.push(`  - ${cell(s.name)}: \`${cell(file)}\``);
    }
    if (attempts.length > 0)
      lines.push(
        `- attempt ${attempts.length + 1} of ${attempts.length + 1}: ${ICON[j.status === 'flaky' ? 'pass' : j.status] ?? ''} the steps below`,
        '',
      );
    lines.push('| step | service | status | time | detail |', '|---|---|---|---:|---|');
    for (const s of j.steps) {
      const detail = s.error !== undefined ? `${s.error.category}: ${s.error.message}` : (s.skipReason ?? '');
      lines.push(
        `| ${cell(s.name)} | ${cell(s.service)} | ${ICON[s.status] ?? ''} ${s.status} | ${Math.round(s.durationMs)} ms | ${cell(detail)} |`,
      );
    }
    lines.push('');
  }
  lines.push(`<sub>run ${cell(result.runId)} · ${result.startedAt}</sub>`, '');
  return lines.join('\n');
}

/** `::error` workflow commands, one per failed or errored journey; `%`, CR and LF are escaped as GitHub requires. */
export function renderGithubAnnotations(result: RunResult): string {
  const esc = (t: string) => t.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (t: string) => esc(t).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return result.journeys
    .filter((j) => j.status === 'fail' || j.status === 'error' || j.status === 'flaky')
    .map((j) => {
      const level = j.status === 'flaky' ? 'warning' : 'error';
      const step = j.steps.find((s) => s.name === j.failure?.step);
      const where = step?.location?.match(/^(.*):(\d+)$/);
      const file = where === null || where === undefined ? '' : `file=${prop(where[1] ?? '')},line=${where[2]},`;
      return `::${level} ${file}title=${prop(`${j.journey}: ${j.status}`)}::${esc(j.verdict)}\n`;
    })
    .join('');
}

export function githubReporter(path: string | undefined, annotations: NodeJS.WritableStream): Reporter {
  return {
    name: 'github',
    async report(result) {
      const target = path ?? process.env.GITHUB_STEP_SUMMARY;
      if (target !== undefined && target !== '') await appendFile(target, renderGithubSummary(result));
      annotations.write(renderGithubAnnotations(result));
    },
  };
}
