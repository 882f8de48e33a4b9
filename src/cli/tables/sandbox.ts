import { defineCommand } from '../command-table.js';
import { pairs, wholeNumber } from '../flag-checks.js';
import { fault } from './shared.js';

export const SANDBOX_TABLE = defineCommand({
  name: 'sandbox',
  summary: 'serve the bundled staging on 127.0.0.1 (for trying journeys by hand) until Ctrl-C',
  description: [
    'Serves the bundled staging on 127.0.0.1: control on N, auth N+1, backend N+2, web N+3, and prints one JSON line',
    'with the URLs. The user is probe@sandbox.test, password $SANDBOX_PASSWORD or sandbox-password-not-secret.',
  ],
  flags: {
    port: {
      type: 'string',
      arg: 'N',
      help: 'base port (0 for random ports; default 4100)',
      check: wholeNumber({ min: 0, max: 65_531, fallback: 4100, expected: 'a port number (0 for random ports)' }),
    },
    fault: {
      ...fault,
      arg: 'STEP=EFFECT[#N]',
      help: 'inject a fault; #N limits it to the next N requests (repeatable)',
    },
    'version-of': {
      type: 'string',
      multiple: true,
      arg: 'S=V',
      help: 'the version service S reports on /version (repeatable)',
      check: pairs(),
    },
    rollout: {
      type: 'string',
      multiple: true,
      arg: 'S=V@MS',
      help: 'service S reports version V after MS milliseconds (repeatable)',
      check: pairs(),
    },
  },
});
