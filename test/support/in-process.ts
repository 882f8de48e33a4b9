import type { TlsFor } from '../../src/config/tls-settings.js';
import type { JourneyDefinition } from '../../src/journey/define.js';
import type { RunResult } from '../../src/journey/result-schema.js';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { apiStepIo } from '../../src/steps/step-io.js';
import { checkReachable } from '../../src/steps/tcp-reachability.js';

/** Runs journeys in this process with the real step kinds (undici, ws, SSE) against real servers. */
export function runInProcess(
  journeys: JourneyDefinition[],
  targets: Record<string, string>,
  extra: { secrets?: Record<string, string>; maxBodyBytes?: number; redactor?: Redactor; tlsFor?: TlsFor } = {},
): Promise<RunResult> {
  const maxBodyBytes = extra.maxBodyBytes ?? 10 * 1024 * 1024;
  const redactor = extra.redactor ?? new Redactor();
  for (const v of Object.values(extra.secrets ?? {})) redactor.add(v);
  return runJourneys(journeys, {
    environment: 'test',
    targets,
    secrets: extra.secrets ?? {},
    variables: {},
    redactor,
    io: apiStepIo({ maxBodyBytes, ...(extra.tlsFor === undefined ? {} : { tlsFor: extra.tlsFor }) }),
    userAgent: 'node golden-path-prober/test',
    maxBodyBytes,
    reach: checkReachable,
  });
}
