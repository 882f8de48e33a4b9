import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JourneyAttempt, JourneyResult, RunResult, StepResult } from '../journey/result-schema.js';
import type { Reporter } from './reporter.js';
import { xmlEscape as x } from './xml-escape.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one testsuite per journey, one testcase per step,
 * `<failure>`/`<error>` carrying the category as `type`, `<skipped/>` after the failure, and Surefire's
 * `<flakyFailure>`/`<rerunFailure>` (and `*Error`) for a step that failed in an earlier attempt of a retried journey
 * (flaky: it passed in the end; rerun: it never did), each with that attempt's screenshots as attachments.
 */
export function renderJunit(result: RunResult): string {
  const suites = result.journeys.map((j) => suite(j, result));
  const count = (pred: (s: StepResult) => boolean) =>
    result.journeys.reduce((n, j) => n + j.steps.filter(pred).length, 0);
  const tests = count(() => true);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golden-path-prober ${x(result.environment)}" tests="${tests}" failures="${count((s) => s.status === 'fail')}" errors="${count((s) => s.status === 'error')}" skipped="${count((s) => s.status === 'skipped')}" time="${seconds(result.durationMs)}" timestamp="${x(result.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(j: JourneyResult, run: RunResult): string {
  const n = (status: StepResult['status']) => j.steps.filter((s) => s.status === status).length;
  const props = [
    ['environment', run.environment],
    ['runId', run.runId],
    ['status', j.status],
    ['verdict', j.verdict],
    ...(j.steps[0]?.evidence?.traceId === undefined ? [] : [['traceId', j.steps[0].evidence.traceId]]),
  ];
  return [
    `  <testsuite name="${x(j.journey)}" tests="${j.steps.length}" failures="${n('fail')}" errors="${n('error')}" skipped="${n('skipped')}" time="${seconds(j.durationMs)}" timestamp="${x(j.startedAt)}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${x(k ?? '')}" value="${x(v ?? '')}"/>`),
    '    </properties>',
    ...j.steps.map((s) => testcase(j, s, j.attempts ?? [])),
    '  </testsuite>',
  ].join('\n');
}

function testcase(j: JourneyResult, s: StepResult, attempts: readonly JourneyAttempt[]): string {
  const open = `    <testcase name="${x(s.name)}" classname="${x(`${j.journey}.${s.service}`)}"${fileLine(s.location)} time="${seconds(s.durationMs)}"`;
  const body: string[] = [];
  const detail = (step: StepResult, attempt?: number) =>
    x(
      `${attempt === undefined ? '' : `attempt ${attempt}: `}${step.name} (${step.service})${step.location === undefined ? '' : ` at ${step.location}`}${step.evidence?.traceId === undefined ? '' : `, traceId ${step.evidence.traceId}`}`,
    );
  if (s.status === 'fail' && s.error !== undefined) {
    body.push(`      <failure message="${x(s.error.message)}" type="${x(s.error.category)}">${detail(s)}</failure>`);
  } else if (s.status === 'error' && s.error !== undefined) {
    body.push(`      <error message="${x(s.error.message)}" type="${x(s.error.category)}">${detail(s)}</error>`);
  } else if (s.status === 'skipped') {
    body.push(`      <skipped message="${x(s.skipReason ?? 'skipped')}"/>`);
  }
  // Surefire's rerun elements: `flaky*` when the journey passed on a retry, `rerun*` when every attempt failed.
  const rerun = j.status === 'flaky' ? 'flaky' : 'rerun';
  for (const [i, a] of attempts.entries()) {
    const earlier = a.steps.find((e) => e.name === s.name && (e.status === 'fail' || e.status === 'error'));
    if (earlier?.error === undefined) continue;
    const tag = `${rerun}${earlier.status === 'error' ? 'Error' : 'Failure'}`;
    body.push(
      `      <${tag} message="${x(earlier.error.message)}" type="${x(earlier.error.category)}"><stackTrace>${detail(earlier, i + 1)}</stackTrace>${attachments(earlier)}</${tag}>`,
    );
  }
  if ((s.artifacts ?? []).length > 0) body.push(`      ${attachments(s)}`);
  return body.length === 0 ? `${open}/>` : [`${open}>`, ...body, '    </testcase>'].join('\n');
}

/**
 * `file`/`line` of the step's definition (`probes/golden-path-api.ts:42`), as GitLab and Jenkins read them to link a
 * failing test case to its source.
 */
export function fileLine(location: string | undefined): string {
  const m = location === undefined ? null : /^(.+?):(\d+)(?::\d+)?$/.exec(location);
  return m === null ? '' : ` file="${x(m[1] ?? '')}" line="${m[2]}"`;
}

/** Screenshots and traces as the JUnit attachments convention (Jenkins, GitLab) reads them from system-out. */
function attachments(s: StepResult): string {
  const files = s.artifacts ?? [];
  return files.length === 0 ? '' : `<system-out>${files.map((f) => x(`[[ATTACHMENT|${f}]]`)).join('\n')}</system-out>`;
}

export function junitReporter(path: string | undefined): Reporter {
  return {
    name: 'junit',
    async report(result) {
      const xml = renderJunit(result);
      if (path === undefined || path === '-') return void process.stdout.write(xml);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, xml);
    },
  };
}
