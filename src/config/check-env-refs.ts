import { resolveRefs } from './env-refs.js';
import type { Problem } from './problems.js';
import type { ProberConfig } from './schema.js';

/**
 * Every `${env:NAME}` outside `secrets` that is not set: alert channels (`prober schedule`, `run --store`), the
 * store URL and OTLP headers. `run` without a store never reads them, so only `prober validate`, which answers
 * "would every command work?", asks for them, all at once, instead of `prober schedule` refusing on the first.
 */
export function unsetRefProblems(config: ProberConfig, env: NodeJS.ProcessEnv): Problem[] {
  const sections: [string, unknown][] = [
    ...Object.entries(config.alerts.channels).map(([name, channel]): [string, unknown] => [
      `alerts.channels.${name}`,
      channel,
    ]),
    ['store', config.store],
    ['otlp', config.otlp],
  ];
  return sections.flatMap(([path, value]) => (value === undefined ? [] : resolveRefs(value, env, path).problems));
}
