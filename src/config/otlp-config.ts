import { z } from 'zod';
import { envRefName } from './env-refs.js';
import { problem, ProberSetupError, type Problem } from './problems.js';

/**
 * OpenTelemetry export (off unless this section is present): one span per journey run and per step, sent over
 * OTLP/HTTP (protobuf) after each run, in the trace the prober's requests carried in `traceparent`.
 */
export const OtlpConfigSchema = z
  .object({
    /** The OTLP/HTTP traces URL of a collector, Tempo or Jaeger, e.g. `http://127.0.0.1:4318/v1/traces`. */
    endpoint: z.url({
      protocol: /^https?$/,
      error: 'must be an absolute http(s):// URL such as http://collector:4318/v1/traces',
    }),
    /** Request headers (an API key as an `${env:NAME}` reference; literal values are sent as they are). */
    headers: z.record(z.string(), z.string()).default({}),
    /** `service.name` of the exported spans. @defaultValue 'golden-path-prober' */
    serviceName: z.string().min(1).default('golden-path-prober'),
    /** How long one export may take. @defaultValue 5000 */
    timeoutMs: z.number().int().positive().default(5_000),
  })
  .strict();
export type OtlpConfig = z.output<typeof OtlpConfigSchema>;

/** Header values with `${env:NAME}` references resolved; a missing variable is a setup error naming it. */
export function resolveOtlpHeaders(
  headers: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const ref = envRefName(value);
    if (ref === undefined) out[name] = value;
    else if (env[ref] === undefined || env[ref] === '')
      problems.push(
        problem(`otlp.headers.${name}`, `environment variable ${ref} is not set; export it before running`),
      );
    else out[name] = env[ref];
  }
  if (problems.length > 0) throw new ProberSetupError(problems);
  return out;
}
