import { z } from 'zod';
import { formatPath, problem, type Problem } from './problems.js';

/**
 * `${env:NAME}`: the only way a secret enters a config (secrets, alert channel URLs and keys, OTLP headers, the
 * store URL), so a config file can be committed and shared. The one definition: every reader imports it from here.
 */
export const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The variable a `${env:NAME}` reference names, or undefined for any other string. */
export function envRefName(value: string): string | undefined {
  return ENV_REF.exec(value)?.[1];
}

/** A config string that must be an `${env:NAME}` reference; `message` says why a literal is refused there. */
export function envRefString(message: string) {
  return z.string().regex(ENV_REF, message);
}

export interface ResolvedSecrets {
  values: Record<string, string>;
  problems: Problem[];
}

/** Resolves `${env:NAME}` references at the edge; a missing variable is a config error, not a warning. */
export function resolveSecrets(refs: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): ResolvedSecrets {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [name, ref] of Object.entries(refs)) {
    const envName = envRefName(ref);
    if (envName === undefined) continue; // the schema already reported it
    const value = env[envName];
    if (value === undefined || value === '') {
      problems.push(unset(formatPath(['secrets', name]), envName));
    } else {
      values[name] = value;
    }
  }
  return { values, problems };
}

export interface ResolvedRefs<T> {
  value: T;
  /** Every resolved value, for the Redactor. */
  secrets: string[];
  problems: Problem[];
}

/** Replaces every `${env:NAME}` string in `value` (deeply); a missing variable is a problem naming the config path. */
export function resolveRefs<T>(value: T, env: NodeJS.ProcessEnv, path: string): ResolvedRefs<T> {
  const secrets: string[] = [];
  const problems: Problem[] = [];
  const walk = (v: unknown, at: string): unknown => {
    if (typeof v === 'string') {
      const name = envRefName(v);
      if (name === undefined) return v;
      const resolved = env[name];
      if (resolved === undefined || resolved === '') {
        problems.push(unset(at, name));
        return '';
      }
      secrets.push(resolved);
      return resolved;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${at}.${k}`)]));
    return v;
  };
  return { value: walk(value, path) as T, secrets, problems };
}

function unset(path: string, variable: string): Problem {
  return problem(path, `environment variable ${variable} is not set; export it before running`);
}
