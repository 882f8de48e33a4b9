import { Counter, type Registry } from 'prom-client';
import type { StateStore } from '../store/state-store.js';
import { type ExpectedLocations, expectedLocationMetrics, locationHealthMetrics } from './location-health-metrics.js';
import type { DeliveryEvent } from './outbox-deliverer.js';

/**
 * Delivery metrics on the daemon's registry: `prober_alert_deliveries_total{channel,outcome}` (outcome accepted or
 * failed, per attempt), `prober_alert_dead_letters_total{channel}`, `prober_alert_channels_disabled_total{channel}`.
 * A dead letter is an alert that never arrived: alert on `increase(prober_alert_dead_letters_total[1h]) > 0`.
 * Fleet: `prober_alert_evaluations_deferred_total` counts evaluations whose alert key another replica held (they
 * are evaluated again on the next run; a steady rate means one journey's locations contend for its key).
 */
export function alertMetrics(
  registry: Registry,
  store?: Pick<StateStore, 'latestByLocation'>,
  expected?: ExpectedLocations,
): (event: DeliveryEvent) => void {
  const registers = [registry];
  // Fleet: each location's latest result, from the shared store, and the locations the config expects
  // (location-health-metrics.ts).
  if (store !== undefined) locationHealthMetrics(registry, store);
  if (expected !== undefined) expectedLocationMetrics(registry, expected);
  const attempts = new Counter({
    name: 'prober_alert_deliveries_total',
    help: 'Alert delivery attempts by outcome',
    labelNames: ['channel', 'outcome'],
    registers,
  });
  const dead = new Counter({
    name: 'prober_alert_dead_letters_total',
    help: 'Alert notifications given up on (refused, expired, channel disabled)',
    labelNames: ['channel'],
    registers,
  });
  const disabled = new Counter({
    name: 'prober_alert_channels_disabled_total',
    help: 'Channels disabled after HTTP 410 Gone',
    labelNames: ['channel'],
    registers,
  });
  const deferred = new Counter({
    name: 'prober_alert_evaluations_deferred_total',
    help: 'Alert evaluations left for the next run because another replica held the alert key past the wait bound',
    registers,
  });
  return (event) => {
    if (event.type === 'evaluation-deferred') deferred.inc();
    else if (event.type === 'attempt')
      attempts.inc({ channel: event.channel, outcome: event.outcome === 'accepted' ? 'accepted' : 'failed' });
    else if (event.type === 'dead-letter') dead.inc({ channel: event.channel });
    else if (event.type === 'channel-disabled') disabled.inc({ channel: event.channel });
  };
}
