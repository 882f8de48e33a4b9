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
 * A `path: message` line from a part that still reports strings (secrets, TLS files, journey discovery) as a
 * typed problem. The path ends at the first ": ", which is where every such line puts it.
 */
export function lineToProblem(line: string, severity: Problem['severity'] = 'error'): Problem {
  const at = line.indexOf(': ');
  if (at <= 0) return { path: '(config)', message: line, severity };
  return { path: line.slice(0, at), message: line.slice(at + 2), severity };
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
