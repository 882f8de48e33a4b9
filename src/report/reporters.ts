import { resolve } from 'node:path';
import { setupError } from '../config/problems.js';
import { consoleOptionsFor, consoleReporter } from './console-reporter.js';
import { githubReporter } from './github-reporter.js';
import { htmlReporter } from './html-reporter.js';
import { jsonReporter } from './json-reporter.js';
import { junitReporter } from './junit-reporter.js';
import { ndjsonReporter } from './ndjson-reporter.js';
import type { Reporter } from './reporter.js';

export const REPORTER_NAMES = ['console', 'json', 'junit', 'html', 'github', 'ndjson'] as const;

export interface ReporterSpec {
  name: string;
  path?: string | undefined;
}

/** `console`, `json`, `json=out.json`, `junit=report.xml`, `html=report.html`, `github` (to $GITHUB_STEP_SUMMARY). The registry: adding a reporter means a new file and one line here. */
export function parseReporterSpec(spec: string): ReporterSpec {
  const eq = spec.indexOf('=');
  return eq === -1 ? { name: spec } : { name: spec.slice(0, eq), path: spec.slice(eq + 1) };
}

export function createReporters(specs: readonly ReporterSpec[]): Reporter[] {
  const list = specs.length === 0 ? [{ name: 'console' }] : specs;
  // When JSON goes to stdout, the human-readable console output moves to stderr.
  const stdoutTaken = list.some(
    (s) => ['json', 'junit', 'html', 'ndjson'].includes(s.name) && (s.path === undefined || s.path === '-'),
  );
  const human = stdoutTaken ? process.stderr : process.stdout;
  const htmlPath = list.find((s) => s.name === 'html' && s.path !== undefined && s.path !== '-')?.path;
  return list.map((s) => {
    switch (s.name) {
      case 'console':
        return consoleReporter({ ...consoleOptionsFor(human), htmlPath });
      case 'json':
        return jsonReporter(s.path);
      case 'junit':
        return junitReporter(s.path);
      case 'html':
        return htmlReporter(s.path);
      case 'github':
        return githubReporter(s.path, human);
      case 'ndjson':
        return ndjsonReporter(s.path);
      default:
        throw setupError('--reporter', `unknown reporter "${s.name}" (use one of: ${REPORTER_NAMES.join(', ')})`);
    }
  });
}

/**
 * The reporters with where each writes (named when one fails). Without a console reporter a verdict-only one is
 * added on the human stream: whatever the chosen reporters do (an unwritable file), the verdict is shown.
 */
export function createReporterOutlets(
  specs: readonly ReporterSpec[],
): { reporter: Reporter; where?: string | undefined }[] {
  const list = specs.length === 0 ? [{ name: 'console' }] : specs;
  const reporters = createReporters(list);
  const out = reporters.map((reporter, i) => ({ reporter, where: outletPath(list[i]) }));
  if (!list.some((s) => s.name === 'console')) {
    const stdoutTaken = list.some(
      (s) => ['json', 'junit', 'html', 'ndjson'].includes(s.name) && (s.path === undefined || s.path === '-'),
    );
    const human = stdoutTaken ? process.stderr : process.stdout;
    out.push({
      reporter: {
        ...consoleReporter({ ...consoleOptionsFor(human), live: false, verdictOnly: true }),
        name: 'verdict',
      },
      where: undefined,
    });
  }
  return out;
}

function outletPath(spec: ReporterSpec | undefined): string | undefined {
  if (spec?.path === undefined || spec.path === '-') return undefined;
  return resolve(spec.path);
}
