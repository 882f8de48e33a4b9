import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nearestName } from '../journey/nearest-name.js';
import { problem, type Problem } from './problems.js';
import type { ProberConfig } from './schema.js';

export interface NamesUsed {
  target: string[];
  secret: string[];
  variable: string[];
}

const CALL = /\bctx\.(target|secret|variable)\(\s*(['"`])([^'"`$\\]+)\2\s*\)/g;

/** The literal names a journey's source passes to `ctx.target/secret/variable('…')` (dynamic names are not seen). */
export function namesUsedInSource(source: string): NamesUsed {
  const used: NamesUsed = { target: [], secret: [], variable: [] };
  for (const m of source.matchAll(CALL)) {
    const list = used[m[1] as keyof NamesUsed];
    if (!list.includes(m[3]!)) list.push(m[3]!);
  }
  return used;
}

/**
 * `prober validate` as far as it can see: every literal `ctx.target('x')`, `ctx.secret('x')` and
 * `ctx.variable('x')` in a journey file must name a key of the config's `targets`, `secrets` or `variables`, so a
 * typo is a validation line, not a `prober` error in the middle of a run at 3 a.m.
 */
export function sourceNameProblems(
  config: Pick<ProberConfig, 'targets' | 'secrets' | 'variables'>,
  files: readonly string[],
  read: (file: string) => string = (f) => readFileSync(resolve(f), 'utf8'),
): Problem[] {
  const sections = { target: config.targets, secret: config.secrets, variable: config.variables } as const;
  const problems: Problem[] = [];
  for (const file of new Set(files)) {
    let source: string;
    try {
      source = read(file);
    } catch {
      continue; // already loaded once; a file gone since is not this check's business
    }
    const used = namesUsedInSource(source);
    for (const kind of ['target', 'secret', 'variable'] as const) {
      const known = Object.keys(sections[kind]);
      for (const name of used[kind]) {
        if (known.includes(name)) continue;
        const near = nearestName(name, known);
        problems.push(
          problem(
            file,
            `ctx.${kind}('${name}') names no ${kind} in the config${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
            `known: ${known.join(', ') || 'none'}`,
          ),
        );
      }
    }
  }
  return problems;
}
