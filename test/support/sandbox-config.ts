import type { ProberConfigInput } from '../../src/config/schema.js';

// The fixture builder: what every config in test/fixtures/ shares (the bundled sandbox's targets, the probe's login,
// the golden-path probes), so a fixture states only what its test is about: its schedule, deadlines, store and
// alerting. Paths are relative to test/fixtures/, where the configs live (a config's `probes` are relative to it).

type Journeys = NonNullable<ProberConfigInput['journeys']>;
type JourneySettings = Journeys[string];
type StepSettings = NonNullable<JourneySettings['steps']>[string];
type Alerts = NonNullable<ProberConfigInput['alerts']>;

/** Placeholders: every test points the config at its own sandbox with `--target` (or `targetArgs`). */
const NOWHERE = 'http://127.0.0.1:9';

export const API_PROBE = '../../probes/golden-path-api.ts';
export const BROWSER_PROBE = '../../probes/golden-path-browser.ts';

/** A config for the bundled sandbox: its three targets, the probe user's login, and the API journey by default. */
export function sandboxConfig(
  environment: string,
  settings: Omit<ProberConfigInput, 'environment' | 'targets'> = {},
): ProberConfigInput {
  return {
    environment,
    targets: { auth: NOWHERE, backend: NOWHERE, web: NOWHERE },
    probes: [API_PROBE],
    secrets: { password: '${env:SANDBOX_PASSWORD}' },
    variables: { email: 'probe@sandbox.test' },
    ...settings,
  };
}

/** `prober schedule` in a test: no random start delay, the daemon's HTTP server on a free port. */
export const DAEMON = { scheduler: { maxRandomDelayMs: 0 }, server: { port: 0 } } satisfies Partial<ProberConfigInput>;

const API_STEPS = ['auth.token', 'session.create', 'chat.connect', 'chat.send', 'chat.reply'] as const;

/**
 * The API golden path's deadlines: every step but the cleanup gets `each` (a chat.reply of its own if given), the
 * cleanup `session.close` gets `close`.
 */
export function apiSteps(
  each: StepSettings,
  close: StepSettings,
  reply: StepSettings = each,
): Record<string, StepSettings> {
  const steps: Record<string, StepSettings> = {};
  for (const name of API_STEPS) steps[name] = name === 'chat.reply' ? reply : each;
  steps['session.close'] = close;
  return steps;
}

/**
 * The API journey every 2 s, as most daemon tests schedule it: 1.5 s steps with a 1 s budget, so a loaded CI box
 * does not fail a healthy journey by timing alone, and a 0.5 s cleanup, all within the 1.8 s journey deadline.
 */
export const API_EVERY_2S: JourneySettings = {
  schedule: '*/2 * * * * *',
  timeoutMs: 1_800,
  steps: apiSteps({ timeoutMs: 1_500, budgetMs: 1_000 }, { timeoutMs: 500 }),
};

/** Alerting to the test's webhook receiver (ALERT_HOOK_URL, signed with ALERT_HOOK_SECRET when `signed`), retried fast. */
export function webhookAlerts(
  options: { signed?: boolean; delivery?: Alerts['delivery']; policy?: Alerts['policy'] } = {},
): Alerts {
  return {
    channels: {
      hook: {
        type: 'webhook',
        url: '${env:ALERT_HOOK_URL}',
        ...(options.signed === true ? { secret: '${env:ALERT_HOOK_SECRET}' } : {}),
      },
    },
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    delivery: { initialBackoffMs: 100, maxBackoffMs: 300, ...options.delivery },
  };
}
