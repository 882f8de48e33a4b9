import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { formatPath, problem, type Problem } from './problems.js';
import type { ProberConfig } from './schema.js';

export type TlsFor = (url: string) => ConnectionOptions | undefined;

export interface TlsSettings {
  tlsFor: TlsFor;
  /** Targets whose verification is off, to warn about on every run. */
  insecureTargets: string[];
  problems: Problem[];
}

/** Maps each configured target's origin to its TLS options; CA files are read once, here, so `validate` sees them. */
export function resolveTls(config: Pick<ProberConfig, 'tls' | 'targets'>, baseDir: string): TlsSettings {
  const byOrigin = new Map<string, ConnectionOptions>();
  const problems: Problem[] = [];
  const insecureTargets: string[] = [];
  for (const [name, settings] of Object.entries(config.tls)) {
    const url = config.targets[name];
    if (url === undefined) {
      problems.push(
        problem(
          formatPath(['tls', name]),
          `no target named "${name}" (targets: ${Object.keys(config.targets).join(', ')})`,
        ),
      );
      continue;
    }
    const options: ConnectionOptions = {};
    if (settings.ca !== undefined) {
      try {
        options.ca = readFileSync(resolve(baseDir, settings.ca), 'utf8');
      } catch {
        problems.push(problem(formatPath(['tls', name, 'ca']), `cannot read CA file ${settings.ca}`));
      }
    }
    if (settings.insecure) {
      options.rejectUnauthorized = false;
      insecureTargets.push(name);
    }
    const { protocol, host } = new URL(url);
    const secure = protocol.replace('wss:', 'https:').replace('ws:', 'http:');
    byOrigin.set(`${secure}//${host}`, options);
  }
  return {
    tlsFor: (url) => {
      const { protocol, host } = new URL(url);
      return byOrigin.get(`${protocol.replace('wss:', 'https:').replace('ws:', 'http:')}//${host}`);
    },
    insecureTargets,
    problems,
  };
}
