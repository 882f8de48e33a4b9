import { resolveSenders } from '../../alert/alerting.js';
import { testNotification } from '../../alert/test-notification.js';
import { loadConfig } from '../../config/load-config.js';
import { ProberSetupError, problem, setupError } from '../../config/problems.js';
import { createLogger } from '../../log.js';
import { Redactor } from '../../redact.js';
import { defaultConfigPath } from '../../config/find-config.js';
import type { ParsedArgs } from '../command-table.js';
import { EXIT } from '../exit-codes.js';
import type { ALERT_TABLE } from '../tables/alert.js';

/**
 * `prober alert test [--channel NAME]...`: a firing and then a resolved test notification through each channel,
 * once each (no retries: the point is to see what the receiver says now). One line per channel; exit 0 when every
 * channel accepted both, 1 when one refused or was unreachable, 2 for config problems.
 */
export async function alertCommand({ values, positionals }: ParsedArgs<typeof ALERT_TABLE.flags>): Promise<number> {
  const [sub] = positionals;
  if (sub !== 'test')
    throw setupError(
      'prober alert',
      `expected "test", got ${sub === undefined ? 'nothing' : `"${sub}"`} (usage: prober alert test [--channel NAME]... [--config F])`,
    );
  const redactor = new Redactor();
  const log = createLogger(redactor, values['log-level'] ?? 'warn');
  // Journey secrets are not needed to test channels; only the channels' own references must resolve.
  const loaded = await loadConfig(values.config ?? defaultConfigPath(), { skipSecrets: true });
  const { alerts, environment } = loaded.config;
  const senders = resolveSenders(alerts, process.env, redactor);
  const wanted = values.channel.length > 0 ? values.channel : [...senders.keys()];
  const unknown = wanted.filter((name) => !senders.has(name));
  if (senders.size === 0) throw setupError('alerts.channels', 'no channel is configured', 'add one to test it');
  if (unknown.length > 0)
    throw new ProberSetupError(
      unknown.map((n) => problem('--channel', `no channel "${n}" (configured: ${[...senders.keys()].join(', ')})`)),
    );
  let allAccepted = true;
  for (const name of wanted) {
    const sender = senders.get(name)!;
    const answers: string[] = [];
    for (const state of ['firing', 'resolved'] as const) {
      const now = new Date();
      const outcome = await sender.send(testNotification(environment, state, now), {
        signal: AbortSignal.timeout(alerts.delivery.attemptTimeoutMs + 1_000),
        now,
        timeoutMs: alerts.delivery.attemptTimeoutMs,
      });
      answers.push(
        outcome.kind === 'accepted'
          ? `${state} accepted (HTTP ${outcome.status})`
          : `${state} ${outcome.kind === 'retry' ? 'failed' : 'refused'}: ${outcome.reason}`,
      );
      if (outcome.kind !== 'accepted') allAccepted = false;
    }
    process.stdout.write(redactor.scrub(`${name} (${sender.type}): ${answers.join('; ')}\n`));
    log.info({ channel: name, type: sender.type, answers }, 'alert/test');
  }
  return allAccepted ? EXIT.pass : EXIT.fail;
}
