import { extname, isAbsolute, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { JourneyResult, StepResult } from '../journey/result-schema.js';
import { colorEnabled } from './color-support.js';
import { plural } from './plural.js';
import type { Reporter } from './reporter.js';

export interface ConsoleOptions {
  out: Writable & { isTTY?: boolean };
  color: boolean;
  /** Live: print each step as it ends (a terminal). Otherwise print each journey as one block when it ends (CI logs). */
  live: boolean;
  /** Only the verdict lines and the summary: shown when no console reporter was chosen, so a verdict is never lost. */
  verdictOnly?: boolean;
  /** Where the HTML report goes (`--reporter html=PATH`), named under the summary. */
  htmlPath?: string | undefined;
  /** Paths are shown relative to this folder when they are inside it. @defaultValue process.cwd() */
  cwd?: string | undefined;
}

const MARK: Record<StepResult['status'], string> = { pass: '✓', degraded: '!', fail: '✗', error: '✗', skipped: '-' };
const COLOR: Record<string, string> = {
  pass: '32',
  degraded: '33',
  flaky: '33',
  fail: '31',
  error: '35',
  skipped: '90',
};

export function consoleOptionsFor(out: ConsoleOptions['out'], env: NodeJS.ProcessEnv = process.env): ConsoleOptions {
  const tty = out.isTTY === true;
  return { out, live: tty, color: colorEnabled(tty, env) };
}

export function consoleReporter(options: ConsoleOptions): Reporter {
  const paint = (status: string, text: string) =>
    options.color ? `\u001b[${COLOR[status] ?? '0'}m${text}\u001b[0m` : text;
  const write = (line: string) => options.out.write(`${line}\n`);
  const cwd = options.cwd ?? process.cwd();
  // A failed step is followed by where it is defined and what it left behind, so nobody opens the JSON to find them.
  const writeStep = (s: StepResult, journey?: string) => {
    write(stepLine(s, journey));
    for (const line of failureDetails(s, cwd)) write(paint(s.status, line));
  };
  const stepLine = (s: StepResult, journey?: string) => {
    const where = s.status === 'fail' || s.status === 'error' ? `  ${s.error?.category}: ${s.error?.message}` : '';
    const skip = s.status === 'skipped' && s.skipReason !== undefined ? `  (${s.skipReason})` : '';
    const slow = s.status === 'degraded' ? `  over budget ${s.budgetMs} ms` : '';
    const prefix = journey === undefined ? '  ' : `  ${journey} `;
    return paint(
      s.status,
      `${prefix}${MARK[s.status]} ${s.name.padEnd(16)} ${s.service.padEnd(8)} ${`${Math.round(s.durationMs)} ms`.padStart(8)}${where}${slow}${skip}`,
    );
  };
  const verdictLine = (j: JourneyResult) =>
    paint(j.status, `${j.status.toUpperCase().padEnd(8)} ${j.journey}: ${j.verdict}`);

  return {
    name: 'console',
    onEvent(event) {
      if (!options.live) return;
      if (event.type === 'step/end') writeStep(event.result, event.journey);
    },
    async report(result) {
      if (!options.live && options.verdictOnly !== true) {
        for (const j of result.journeys) {
          write(`${j.journey} (${j.description})`);
          for (const s of j.steps) writeStep(s);
        }
      }
      if (options.verdictOnly !== true) write('');
      for (const j of result.journeys) {
        write(verdictLine(j));
        for (const [i, a] of (j.attempts ?? []).entries())
          write(paint(a.status, `         attempt ${i + 1}: ${a.status.toUpperCase()} ${a.verdict}`));
      }
      const s = result.summary;
      write(
        paint(
          result.status,
          `${result.status.toUpperCase()}: ${plural(s.journeys, 'journey')}, ${s.passed} passed, ${s.degraded} degraded, ${s.flaky} flaky, ${s.failed} failed, ${s.errored} could not be judged (${result.environment}, run ${result.runId}, ${(result.durationMs / 1000).toFixed(1)} s)`,
        ),
      );
      if (options.htmlPath !== undefined) write(`HTML report: ${shownPath(resolve(options.htmlPath), cwd)}`);
    },
  };
}

const ARTIFACT_KIND: Record<string, string> = { '.png': 'screenshot', '.zip': 'trace', '.html': 'HTML' };

/** The lines under a failed step: `at FILE:LINE`, its notes (the secret to check), each artifact by kind. */
export function failureDetails(s: StepResult, cwd: string): string[] {
  if (s.status !== 'fail' && s.status !== 'error') return [];
  const lines = s.location === undefined ? [] : [`      at ${s.location}`];
  for (const note of s.evidence?.notes ?? []) lines.push(`      ${note}`);
  for (const path of s.artifacts ?? [])
    lines.push(`      ${ARTIFACT_KIND[extname(path)] ?? 'artifact'}: ${shownPath(path, cwd)}`);
  return lines;
}

/** Inside the working folder: relative (short, clickable in most terminals); elsewhere: as it is. */
function shownPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
