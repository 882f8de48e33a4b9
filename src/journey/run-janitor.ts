import { journey, step, type JourneyDefinition } from './define.js';
import type { JanitorResult } from './result-schema.js';
import { runJourneyAttempt, type JourneyRunOptions } from './runner.js';

/**
 * Runs a journey's janitor through the ordinary runner (deadline, classification, redaction all apply) as a
 * one-step journey, and keeps only what the janitor reports: how many leftovers it deleted, or why it could not.
 */
export async function runJanitor(
  def: JourneyDefinition,
  olderThanMs: number,
  options: JourneyRunOptions,
): Promise<JanitorResult | undefined> {
  const janitor = def.janitor;
  if (janitor === undefined) return undefined;
  const cleanup = journey({
    name: `${def.name}:janitor`,
    description: `janitor of ${def.name}`,
    capability: 'clean up',
    steps: [
      step('janitor', { service: janitor.service, timeoutMs: janitor.timeoutMs }, async (ctx) => {
        ctx.record('deleted', await janitor.run(ctx, olderThanMs));
      }),
    ],
  });
  const { steps } = await runJourneyAttempt(cleanup, {
    ...options,
    timeoutMs: janitor.timeoutMs,
    budgetMs: undefined,
    steps: undefined,
    onEvent: undefined,
  });
  const s = steps[0];
  if (s === undefined) return undefined;
  const deleted = s.evidence?.metrics?.deleted;
  return {
    status: s.status,
    ...(deleted === undefined ? {} : { deleted }),
    ...(s.error === undefined ? {} : { error: s.error }),
  };
}
