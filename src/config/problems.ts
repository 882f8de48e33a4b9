import { z } from 'zod';

/**
 * One thing wrong (or risky) in a config and its journeys: what the validation pass returns. `prober validate`
 * prints each as one line, `path: message; hint`; `run` and `schedule` refuse on an error and log a warning.
 */
export const ProblemSchema = z
  .object({
    /** Where: a config path (`journeys.j.timeoutMs`), a journey file (`probes/j.ts`), or `(config)`. */
    path: z.string().min(1),
    /** What is wrong, with the values involved. */
    message: z.string().min(1),
    /** What to do about it, when there is one obvious fix. */
    hint: z.string().min(1).optional(),
    /** `error` stops `run` and `schedule` (exit 2); `warning` is printed by `validate` and logged by the others. */
    severity: z.enum(['error', 'warning']),
  })
  .strict();

export type Problem = z.infer<typeof ProblemSchema>;

export function problem(path: string, message: string, hint?: string): Problem {
  return { path, message, ...(hint === undefined ? {} : { hint }), severity: 'error' };
}

export function warning(path: string, message: string, hint?: string): Problem {
  return { path, message, ...(hint === undefined ? {} : { hint }), severity: 'warning' };
}

/** `path: message; hint`, the one line a user reads. */
export function problemLine(p: Problem): string {
  return `${p.path}: ${p.message}${p.hint === undefined ? '' : `; ${p.hint}`}`;
}

/**
 * A problem with the prober's own setup (config, probe files, flags, store, browser): exit code 2. Each problem is
 * typed as the validation pass returns it, so nothing downstream parses a line back into a path and a message.
 * Recognised by `code`, never by `instanceof`: probes loaded through tsx may hold another copy of this module.
 */
export class ProberSetupError extends Error {
  readonly code = 'PROBER_SETUP';
  /** What is wrong, one problem each; `problemLine(p)` is the line `prober validate` prints. */
  readonly problems: Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map(problemLine).join('; '));
    this.name = 'ProberSetupError';
    this.problems = [...problems];
  }
}

/** A setup error of one problem: the usual case (a flag, a file, a missing package). */
export function setupError(path: string, message: string, hint?: string): ProberSetupError {
  return new ProberSetupError([problem(path, message, hint)]);
}

export function isProberSetupError(err: unknown): err is ProberSetupError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'PROBER_SETUP';
}

/** zod issues as typed problems, one per issue (an unknown key each). */
export function issuesToTypedProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        problem(formatPath([...path, key]), 'unknown key (check the spelling; unknown keys are refused)'),
      );
    }
    if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
      // zod drops `input` from finished issues, so a missing value is told by zod's own wording, not by `input`.
      const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
      return [problem(formatPath(path), missing ? 'is required' : issue.message)];
    }
    return [problem(formatPath(path), issue.message)];
  });
}

/** zod issues as `path: what is wrong` lines, one per problem, the format `prober validate` prints. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issuesToTypedProblems(issues, prefix).map(problemLine);
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(config)';
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const key = String(p);
      // Keys from a user's file can be anything ("", "a:b", newlines): quote them so the line stays one parseable line.
      if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}
