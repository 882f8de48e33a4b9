import { ENV_REF } from './schema.js';
import { formatPath } from './problems.js';

export interface ResolvedSecrets {
  values: Record<string, string>;
  problems: string[];
}

/** Resolves `${env:NAME}` references at the edge; a missing variable is a config error, not a warning. */
export function resolveSecrets(refs: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): ResolvedSecrets {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, ref] of Object.entries(refs)) {
    const envName = ENV_REF.exec(ref)?.[1];
    if (envName === undefined) continue; // the schema already reported it
    const value = env[envName];
    if (value === undefined || value === '') {
      problems.push(`${formatPath(['secrets', name])}: environment variable ${envName} is not set; export it before running`);
    } else {
      values[name] = value;
    }
  }
  return { values, problems };
}
