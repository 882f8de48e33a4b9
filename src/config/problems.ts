import type { z } from 'zod';

/** zod issues as `path: what is wrong` lines, one per problem, the format `prober validate` prints. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key (check the spelling; unknown keys are refused)`);
    }
    if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
      // zod drops `input` from finished issues, so a missing value is told by zod's own wording, not by `input`.
      const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
      const got = missing ? 'is required' : issue.message;
      return [`${formatPath(path)}: ${got}`];
    }
    return [`${formatPath(path)}: ${issue.message}`];
  });
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
