import { z } from 'zod';

/**
 * `${env:NAME}`, the same form as `secrets` in the config (src/config/schema.ts). Repeated here rather than
 * imported: schema.ts imports the alert config, and a cycle would leave the pattern undefined at load time.
 */
const REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** A webhook URL, routing key or signing secret: only ever a reference, so the config file can be committed. */
export const SecretRef = z.string().regex(REF, 'must be an ${env:NAME} reference; webhook URLs, keys and secrets are never literal in config files');

export function isSecretRef(value: string): boolean {
  return REF.test(value);
}

export interface ResolvedRefs<T> {
  value: T;
  /** Every resolved value, for the Redactor. */
  secrets: string[];
  problems: string[];
}

/** Replaces every `${env:NAME}` string in `value` (deeply); a missing variable is a problem naming the config path. */
export function resolveRefs<T>(value: T, env: NodeJS.ProcessEnv, path: string): ResolvedRefs<T> {
  const secrets: string[] = [];
  const problems: string[] = [];
  const walk = (v: unknown, at: string): unknown => {
    if (typeof v === 'string') {
      const name = REF.exec(v)?.[1];
      if (name === undefined) return v;
      const resolved = env[name];
      if (resolved === undefined || resolved === '') {
        problems.push(`${at}: environment variable ${name} is not set; export it before running`);
        return '';
      }
      secrets.push(resolved);
      return resolved;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${at}.${k}`)]));
    return v;
  };
  return { value: walk(value, path) as T, secrets, problems };
}
