import { relative } from 'node:path';
import type { BeginEvent, ListedTest, SuiteEvent } from './suite-events.js';
import type { SuiteConfig, SuiteTestRef } from './suite-config.js';

/**
 * The `playwright test` arguments shared by listing and running a suite: its config, projects and grep from the
 * prober config, our reporter (plus others the caller adds), and either the selected tests as `file:line` or a
 * filter that leaves out spec files that do not load (Playwright file filters are regular expressions).
 */
export function suiteArgs(
  configFile: string,
  s: Pick<SuiteConfig, 'projects' | 'grep' | 'grepInvert' | 'workers'>,
  o: { reporters: string[]; broken: readonly string[]; locations?: readonly string[] },
): string[] {
  const args = ['--config', configFile, `--reporter=${o.reporters.join(',')}`];
  for (const p of s.projects ?? []) args.push(`--project=${p}`);
  if (s.grep !== undefined) args.push(`--grep=${s.grep}`);
  if (s.grepInvert !== undefined) args.push(`--grep-invert=${s.grepInvert}`);
  if (s.workers !== undefined) args.push(`--workers=${s.workers}`);
  if (o.locations !== undefined) args.push(...o.locations);
  else if (o.broken.length > 0) args.push(`^(?!(?:${o.broken.map(escapeRegExp).join('|')})$)`);
  return args;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Tests of projects others depend on (a `setup` that logs in) are the suite's preparation, not journeys. */
export function journeyTests(begin: BeginEvent): ListedTest[] {
  const dependencies = new Set(
    begin.projects.flatMap((p) => [...p.dependencies, ...(p.teardown === undefined ? [] : [p.teardown])]),
  );
  return begin.tests.filter((t) => !dependencies.has(t.project));
}

export interface PlanOptions {
  suite: number;
  suiteName: string;
  configFile: string;
  mapping: SuiteConfig['mapping'];
  defaultService: string;
  /** Spec paths in names are relative to this (the Playwright config's folder). */
  rootDir: string;
}

/**
 * One journey per test (or per spec file), named `<suite>: <describe › title>`, with ` [project]` when the suite
 * runs its tests in more than one project and `(file)` when two files hold a test of the same title; plus one per
 * spec file that does not load. Pure.
 */
export function suiteJourneyPlan(
  tests: readonly ListedTest[],
  broken: readonly { file: string; message: string; location?: string | undefined }[],
  o: PlanOptions,
): SuiteTestRef[] {
  const projects = new Set(tests.map((t) => t.project));
  const file = (f: string) => relative(o.rootDir, f);
  const base = (t: ListedTest) => (o.mapping === 'file' ? file(t.file) : t.titles.join(' › '));
  const groups = new Map<string, ListedTest[]>();
  for (const t of tests) {
    const key = `${t.project}\0${o.mapping === 'file' ? t.file : `${t.file}\0${t.titles.join('\0')}`}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const titleFiles = new Map<string, Set<string>>();
  for (const t of tests) titleFiles.set(base(t), (titleFiles.get(base(t)) ?? new Set()).add(t.file));
  const refs: SuiteTestRef[] = [];
  for (const group of groups.values()) {
    const t = group[0]!;
    let name = `${o.suiteName}: ${base(t)}`;
    if (o.mapping === 'test' && (titleFiles.get(base(t))?.size ?? 0) > 1) name += ` (${file(t.file)})`;
    if (projects.size > 1) name += ` [${t.project}]`;
    refs.push({
      name,
      suite: o.suite,
      suiteName: o.suiteName,
      configFile: o.configFile,
      brokenFiles: broken.map((b) => b.file),
      tests: group.map((g) => ({
        id: g.id,
        file: g.file,
        line: g.line,
        project: g.project,
        title: g.titles.at(-1) ?? '',
      })),
      defaultService: o.defaultService,
      tags: [...new Set(group.flatMap((g) => g.tags.map((tag) => tag.replace(/^@/, ''))))],
    });
  }
  for (const b of broken) {
    refs.push({
      name: `${o.suiteName}: ${file(b.file)}`,
      suite: o.suite,
      suiteName: o.suiteName,
      configFile: o.configFile,
      brokenFiles: [b.file],
      tests: [],
      loadError: { message: b.message, ...(b.location === undefined ? {} : { location: b.location }) },
      defaultService: o.defaultService,
      tags: [],
    });
  }
  return refs;
}

/**
 * What the errors of a listing (or of a run of the whole suite) say: `other`, an error not tied to a spec file (the
 * config does not load: nothing can run), or the spec files that do not load, besides those already `known`. Pure.
 */
export function loadErrorsOf(
  events: readonly SuiteEvent[],
  known: readonly { file: string }[],
): { other?: string; broken: { file: string; message: string; location: string }[] } {
  const errors = events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
  const other = errors.find((e) => e.location === undefined);
  if (other !== undefined) return { other: firstLine(other.message), broken: [] };
  const broken: { file: string; message: string; location: string }[] = [];
  for (const e of errors) {
    const file = e.location?.file ?? '';
    if (!known.some((b) => b.file === file) && !broken.some((b) => b.file === file))
      broken.push({
        file,
        message: firstLine(e.message),
        location: `${relative(process.cwd(), file)}:${e.location?.line ?? 0}`,
      });
  }
  return { broken };
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? 'no output'
  );
}
