/**
 * `prober CMD --help`, `prober CMD -h` and `prober help CMD`: one usage block per command, printed on stdout with
 * exit 0. The test checks every command main.ts knows has an entry here, so a new command cannot ship without help.
 */
const CONFIG = '  --config F            config file; default $PROBER_CONFIG, else prober.config.{ts,mts,js,mjs,json} here or in a parent folder';
const TARGET = '  --target NAME=URL     override a target from the config (repeatable)';
const LOG = '  --log-level L         log level on stderr: fatal, error, warn (default), info, debug, trace, silent';
const REPORTER = '  --reporter R[=PATH]   console (default), json, junit, html, github, ndjson; without a path json/junit/html/ndjson write to stdout (repeatable)';

export const COMMAND_HELP: Record<string, string> = {
  init: [
    'Usage: prober init',
    '',
    'Scaffolds a working project in the current folder: prober.config.ts, an API journey and a browser journey under',
    'probes/, tsconfig.json, .gitignore entries and a GitHub Actions workflow. Never overwrites a file that exists;',
    'running it again changes nothing. Prints the next two commands.',
  ].join('\n'),
  run: [
    'Usage: prober run [JOURNEY...] [options]',
    '',
    'Runs the selected journeys (default: every enabled one) once and reports the verdict.',
    '',
    CONFIG,
    REPORTER,
    '  --fail-on degraded    exit 1 when a journey is degraded (over its latency budget)',
    TARGET,
    '  --retries N           re-run a failed journey up to N times; a pass after a failure is "flaky"',
    '  --allow-flaky         exit 0 for flaky journeys',
    '  --grep RE             only journeys whose name or description match RE',
    '  --tag T               only journeys carrying tag T (repeatable)',
    '  --list                print what would run and stop',
    '  --expect-version S=V  wait until service S reports version V before judging (repeatable)',
    '  --wait-ready D        how long to wait for --expect-version, e.g. 5m (exit 3 when it runs out)',
    '  --store PATH          also record the result in this SQLite state store',
    LOG,
    '  --log-format F        pretty (default: one line per log entry) or json (pino JSON lines, for machines)',
    '',
    'Debugging a journey:',
    '  --headed              show the browser window (browser journeys)',
    '  --trace MODE          keep a Playwright trace: on (every journey), on-failure, off (overrides browser.trace)',
    '  --until STEP          run up to and including STEP, then only the always (cleanup) steps',
    '  --debug               open the Playwright inspector (PWDEBUG=1, headed)',
    '  --watch               run again whenever the config or a journey file changes (Ctrl-C to stop)',
    '',
    'Exit codes: 0 passed (or degraded), 1 failed (or flaky), 2 could not judge, 3 version never went live, 130/143 interrupted.',
  ].join('\n'),
  demo: [
    'Usage: prober demo [JOURNEY...] [--fault STEP=EFFECT]... [--reporter R[=PATH]]... [--fail-on degraded] [--log-level L]',
    '',
    'Starts the bundled sandbox staging in-process (with the given faults) and runs the journeys against it once.',
    '',
    '  --fault STEP=EFFECT   inject a fault, e.g. chat.reply=silent, auth.token=http500 (repeatable)',
    REPORTER,
    '  --fail-on degraded    exit 1 when a journey is degraded',
    LOG,
  ].join('\n'),
  sandbox: [
    'Usage: prober sandbox [--port N] [--fault STEP=EFFECT[#N]]... [--version-of SERVICE=V]... [--rollout SERVICE=V@MS]...',
    '',
    'Serves the bundled staging on 127.0.0.1: control on N, auth N+1, backend N+2, web N+3 (default N=4100), and prints',
    'one JSON line with the URLs. The user is probe@sandbox.test, password $SANDBOX_PASSWORD or sandbox-password-not-secret.',
    '',
    '  --port N              base port (0 for random ports)',
    '  --fault STEP=EFFECT   inject a fault; #N limits it to the next N requests (repeatable)',
    '  --version-of S=V      the version service S reports on /version',
    '  --rollout S=V@MS      service S reports version V after MS milliseconds',
  ].join('\n'),
  validate: ['Usage: prober validate [--config F] [--target NAME=URL]...', '', 'Loads the config and journeys and prints what would run and when, or every problem (exit 2).', '', CONFIG, TARGET].join('\n'),
  list: ['Usage: prober list [--config F]', '', 'Lists journeys, their steps and schedules (does not need the secrets).', '', CONFIG].join('\n'),
  janitor: [
    'Usage: prober janitor [JOURNEY...] [--config F] [--older-than MS] [--target NAME=URL]...',
    '',
    'Deletes synthetic leftovers (e.g. chat sessions of killed runs) and says how many.',
    '',
    CONFIG,
    '  --older-than MS       only leftovers older than this (default: the config janitor.olderThanMs)',
    TARGET,
    LOG,
  ].join('\n'),
  schedule: [
    'Usage: prober schedule [--config F] [--target NAME=URL]... [--store PATH] [--host H] [--port N] [--log-level L]',
    '',
    'Long-lived: runs each journey on its cron schedule, records and alerts, and serves /, /healthz, /metrics and',
    '/api/results. Stops cleanly on SIGTERM or SIGINT. Needs better-sqlite3 for the state store (npm i better-sqlite3).',
    '',
    CONFIG,
    TARGET,
    '  --store PATH          SQLite state store; default .prober/state.db',
    '  --host H, --port N    where to serve; default 127.0.0.1:9470',
    LOG,
  ].join('\n'),
  report: [
    'Usage: prober report --html FILE [--store PATH] [--refresh SECONDS] [--runs N]',
    '',
    'Writes the status page (recent runs per journey) from the state store as one HTML file.',
    '',
    '  --html FILE           where to write the page',
    '  --store PATH          SQLite state store; default .prober/state.db',
    '  --refresh SECONDS     make the page reload itself',
    '  --runs N              runs shown per journey',
  ].join('\n'),
  alert: [
    'Usage: prober alert test [--channel NAME]... [--config F] [--log-level L]',
    '',
    'Sends a test notification through each configured alert channel (or the named ones) and says what each answered.',
    '',
    '  --channel NAME        only this channel (repeatable)',
    CONFIG,
    LOG,
  ].join('\n'),
  help: ['Usage: prober help [COMMAND]', '', 'Prints the overview, or the help of one command (same as prober COMMAND --help).'].join('\n'),
};

/** True when the arguments ask for help rather than for the command (before `--`, which ends options). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
