import { defineConfig } from '../../src/index.js';

/**
 * The fleet scenario's probers: every replica of every location runs this config, with its location, store and
 * webhook URL from the environment. One journey every second, a location quorum of 2 of [eu, us], a signed webhook.
 */
export default defineConfig({
  environment: 'fleet',
  targets: { web: 'http://127.0.0.1:9' },
  probes: ['./target-journey.ts'],
  store: { url: '${env:PROBER_STORE_URL}' },
  scheduler: { maxRandomDelayMs: 0 },
  server: { port: 0 },
  journeys: {
    'target-up': { schedule: '* * * * * *', timeoutMs: 800, steps: { 'target.get': { timeoutMs: 600 } } },
  },
  alerts: {
    channels: { hook: { type: 'webhook', url: '${env:ALERT_HOOK_URL}', secret: '${env:ALERT_HOOK_SECRET}' } },
    policy: { failureThreshold: 2, successThreshold: 2, locations: { failing: 2, of: ['eu', 'us'] } },
    delivery: { initialBackoffMs: 100, maxBackoffMs: 300, attemptTimeoutMs: 1_000 },
  },
});
