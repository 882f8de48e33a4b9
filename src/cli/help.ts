export const HELP = `prober — synthetic end-to-end prober: can users log in and chat?

Usage:
  prober init                                   scaffold config, journeys, tsconfig and a CI workflow here
  prober run [JOURNEY...] [--config F] [--reporter R[=PATH]]... [--fail-on degraded] [--target NAME=URL]...
             [--retries N] [--retry-delay DURATION] [--allow-flaky] [--grep RE] [--tag T]... [--list]
             [--expect-version SERVICE=VERSION]... [--wait-ready DURATION] [--location L]
  prober schedule [--config F] [--target NAME=URL]... [--store PATH|URL] [--host H] [--port N] [--location L]
  prober report --html FILE [--store PATH] [--refresh SECONDS] [--runs N]
  prober demo [JOURNEY...] [--fault STEP=EFFECT]... [--reporter R[=PATH]]... [--fail-on degraded]
  prober sandbox [--port N] [--fault STEP=EFFECT[#N]]... [--version-of SERVICE=V]... [--rollout SERVICE=V@MS]...
  prober validate [--config F]
  prober alert test [--channel NAME]... [--config F]
  prober list [--config F]
  prober janitor [JOURNEY...] [--config F] [--older-than MS] [--target NAME=URL]...

Options:
  --config F          config file (TypeScript or JSON); default: $PROBER_CONFIG, else the first
                      prober.config.{ts,mts,js,mjs,json} in the working directory or a parent
  --reporter R[=PATH] console (default), json, junit, html, github; json/junit/html without a path write to stdout,
                      github appends Markdown to $GITHUB_STEP_SUMMARY (repeatable)
  --retries N         re-run a failed journey up to N times; a pass after a failure is "flaky" (exit 1 unless --allow-flaky)
  --retry-delay D     wait D (e.g. 2s, 500ms) before each retry; every attempt gets a fresh browser context
  --grep RE, --tag T  run only journeys whose name/description match RE, or that carry tag T; --list shows them and stops
  --expect-version S=V  before judging, wait until service S reports version V (exit 3 if not live within --wait-ready)
  --fail-on degraded  exit 1 when a journey is degraded (over its latency budget)
  --target NAME=URL   override a target from the config (repeatable)
  --store PATH        SQLite state store (run history); default .prober/state.db (schedule, report), off for run
  --location L        where this prober stands (fleet), on results, metrics and alerts; beats $PROBER_LOCATION and config
  --port N, --host H  where \`schedule\` serves /, /healthz, /metrics and /api/results; default 127.0.0.1:9470
  --log-level L       pino level on stderr: fatal, error, warn (default), info, debug, trace, silent

Help on one command: prober help COMMAND, or prober COMMAND --help.

Exit codes: 0 passed (or degraded), 1 a journey failed (or was flaky), 2 the prober could not judge (config, probe bug,
browser), 3 an expected version never went live, 130/143 interrupted.
`;
