import { journey, step, type StepContext } from 'golden-path-prober';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { apiStepIo } from '../../src/steps/step-io.js';

/**
 * Runs one journey of public-API steps in this process (the runner, the real HTTP client and the redactor, as the CLI
 * wires them) and returns the redacted result and its JSON: for the login tests that need many small journeys, where
 * spawning the CLI for each would spend the time budget.
 */
export async function runSteps(
  steps: { name: string; run: (ctx: StepContext) => Promise<void> | void; timeoutMs?: number }[],
  env: { targets: Record<string, string>; secrets?: Record<string, string>; variables?: Record<string, string> },
) {
  const redactor = new Redactor();
  for (const value of Object.values(env.secrets ?? {})) redactor.add(value);
  const result = await runJourneys(
    [
      journey({
        name: 'j',
        description: 'd',
        capability: 'Users can log in',
        steps: steps.map((s) => step(s.name, { service: 'web', timeoutMs: s.timeoutMs ?? 5_000 }, s.run)),
      }),
    ],
    {
      environment: 'test',
      targets: env.targets,
      secrets: env.secrets ?? {},
      variables: env.variables ?? {},
      redactor,
      io: apiStepIo({ maxBodyBytes: 1 << 20 }),
      userAgent: 'test',
      maxBodyBytes: 1 << 20,
      retries: 0,
    },
  );
  const journeyResult = result.journeys[0]!;
  return { result, journey: journeyResult, json: JSON.stringify(result) };
}
