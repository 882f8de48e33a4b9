import { randomUUID } from 'node:crypto';
import { ALERT_SCHEMA, type AlertNotification, type AlertState } from './notification.js';

export const TEST_JOURNEY = 'prober-alert-test';

/** A notification that says on its face it is a test (`test: true`, the verdict, its own id), never a real incident. */
export function testNotification(environment: string, state: AlertState, now: Date): AlertNotification {
  const at = now.toISOString();
  const verdict = `TEST from golden-path-prober (${environment}): checking this channel; no action needed`;
  return {
    schema: ALERT_SCHEMA,
    id: `${environment}:${TEST_JOURNEY}`,
    deliveryId: randomUUID(),
    state,
    severity: 'warning',
    environment,
    journey: TEST_JOURNEY,
    verdict,
    since: at,
    ...(state === 'resolved' ? { endedAt: at } : {}),
    test: true,
    lastResult: { runId: 'alert-test', status: 'pass', startedAt: at, verdict },
  };
}
