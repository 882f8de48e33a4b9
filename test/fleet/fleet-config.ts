import { defineConfig } from '../../src/index.js';

/**
 * The fleet scenario's probers: every replica of every location runs this config, with its location, store,
 * webhook URL and the two Alertmanagers from the environment (FLEET_ENVIRONMENT keeps two scenarios sharing one
 * Alertmanager pair apart). Two journeys every second, a location quorum of 2 of [eu, us], a signed webhook and
 * one `alertmanager` channel per instance of the pair.
 */
const journey = { schedule: '* * * * * *', timeoutMs: 800, steps: { 'target.get': { timeoutMs: 600 } } };
export default defineConfig({
  environment: process.env.FLEET_ENVIRONMENT ?? 'fleet',
  targets: { web: 'http://127.0.0.1:9' },
  probes: ['./target-journey.ts'],
  store: { url: '${env:PROBER_STORE_URL}' },
  scheduler: { maxRandomDelayMs: 0 },
  server: { port: 0 },
  journeys: { 'target-a': journey, 'target-b': journey },
  alerts: {
    channels: {
      hook: { type: 'webhook', url: '${env:ALERT_HOOK_URL}', secret: '${env:ALERT_HOOK_SECRET}' },
      am1: { type: 'alertmanager', url: '${env:ALERT_AM1_URL}' },
      am2: { type: 'alertmanager', url: '${env:ALERT_AM2_URL}' },
    },
    policy: { failureThreshold: 2, successThreshold: 2, locations: { failing: 2, of: ['eu', 'us'] } },
    delivery: { initialBackoffMs: 100, maxBackoffMs: 300, attemptTimeoutMs: 1_000 },
  },
});
