import { resolveOtlpHeaders } from '../config/otlp-config.js';
import type { ProberConfig } from '../config/schema.js';
import type { RunResult } from '../journey/result-schema.js';

/**
 * The OTLP outlet of a run, shaped as the post-run pipeline's sinks are (`name`, `where`, `write`); undefined when
 * the config has no `otlp` section (export is off by default). Header references are resolved here, once; the
 * exporter is loaded on the first write, so a run without `otlp` never loads it.
 */
export function otlpSink(
  config: Pick<ProberConfig, 'otlp'>,
  env: NodeJS.ProcessEnv,
): { name: string; where: string; write(result: RunResult): Promise<void> } | undefined {
  const otlp = config.otlp;
  if (otlp === undefined) return undefined;
  const settings = {
    endpoint: otlp.endpoint,
    headers: resolveOtlpHeaders(otlp.headers, env),
    serviceName: otlp.serviceName,
    timeoutMs: otlp.timeoutMs,
  };
  return {
    name: 'otlp',
    where: otlp.endpoint,
    write: async (result) => (await import('./otlp-export.js')).exportRunSpans(result, settings),
  };
}
