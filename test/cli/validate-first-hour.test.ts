import { describe, expect, it } from 'vitest';
import { hasStackTrace } from '../support/cli.js';
import { packedProject } from '../support/packed-project.js';

/**
 * The first hour's silent mistakes, through the packed package as a user meets them: a misspelt step or journey
 * option used to be dropped (the default applied, `config OK`), and `prober validate` said OK while an alert
 * channel's variable was unset, after which `prober schedule` refused, naming one of two.
 */
const JOURNEY = `import { journey, step } from 'golden-path-prober';

export default journey({
  name: 'typos',
  description: 'a journey with misspelt options',
  capability: 'log in',
  budgetMS: 4_000,
  steps: [step('auth.token', { service: 'auth', timeoutMS: 30_000 }, async () => {})],
});
`;

describe('prober validate refuses what would otherwise go wrong later', () => {
  it('a misspelt step or journey option, and every unset channel variable, in one run, exit 2', async () => {
    const p = packedProject();
    const dir = await p.workspace({
      'probes/typos.ts': JOURNEY,
      'prober.config.json': JSON.stringify({
        environment: 'first-hour',
        targets: { auth: 'http://127.0.0.1:9' },
        probes: ['probes/*.ts'],
        alerts: {
          channels: {
            chat: { type: 'slack', url: '${env:SLACK_WEBHOOK_URL}' },
            pager: { type: 'pagerduty', routingKey: '${env:PAGERDUTY_ROUTING_KEY}' },
          },
        },
      }),
    });
    const r = await p.prober(['validate'], { cwd: dir, env: { SLACK_WEBHOOK_URL: '', PAGERDUTY_ROUTING_KEY: '' } });
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('OK');
    expect(hasStackTrace(r.stderr)).toBe(false);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /journey typos step auth\.token: unknown option timeoutMS \(did you mean "timeoutMs"\?\)/,
        ),
        expect.stringMatching(/journey typos: unknown option budgetMS \(did you mean "budgetMs"\?\)/),
        expect.stringMatching(/alerts\.channels\.chat\.url: environment variable SLACK_WEBHOOK_URL is not set/),
        expect.stringMatching(
          /alerts\.channels\.pager\.routingKey: environment variable PAGERDUTY_ROUTING_KEY is not set/,
        ),
      ]),
    );
  });

  it('the same journey with the options spelt right validates', async () => {
    const p = packedProject();
    const dir = await p.workspace({
      'probes/ok.ts': JOURNEY.replace('budgetMS', 'budgetMs').replace('timeoutMS', 'timeoutMs'),
      'prober.config.json': JSON.stringify({
        environment: 'first-hour',
        targets: { auth: 'http://127.0.0.1:9' },
        probes: ['probes/*.ts'],
        alerts: { channels: { chat: { type: 'slack', url: '${env:SLACK_WEBHOOK_URL}' } } },
      }),
    });
    const r = await p.prober(['validate'], { cwd: dir, env: { SLACK_WEBHOOK_URL: 'https://hooks.slack.test/T0/B0' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
