import { ValueFamily } from './metric-family.js';

/**
 * `prober_step_stall_seconds_total`: time the prober's own event loop was stalled during each step. Against
 * `prober_step_duration_seconds_sum` it says how much of a step's time the prober, not the service, spent.
 */
export function stallCounter(): ValueFamily<'journey' | 'step' | 'service'> {
  return new ValueFamily(
    'prober_step_stall_seconds_total',
    "Seconds of steps' time during which the prober's own event loop was stalled (not the service's time)",
    'counter',
    ['journey', 'step', 'service'],
  );
}
