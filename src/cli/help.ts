export const HELP = `prober — synthetic end-to-end prober: can users log in and chat?

Usage:
  prober run [JOURNEY...] [--config F] [--reporter R[=PATH]]... [--fail-on degraded] [--target NAME=URL]...
  prober demo [JOURNEY...] [--fault STEP=EFFECT]... [--reporter R[=PATH]]... [--fail-on degraded]
  prober sandbox [--port N] [--fault STEP=EFFECT]...
  prober validate [--config F]
  prober list [--config F]
  prober janitor [JOURNEY...] [--config F] [--older-than MS] [--target NAME=URL]...

Options:
  --config F          config file (TypeScript or JSON); default: $PROBER_CONFIG, else ./prober.config.ts
  --reporter R[=PATH] console (default) or json; json without a path writes to stdout (repeatable)
  --fail-on degraded  exit 1 when a journey is degraded (over its latency budget)
  --target NAME=URL   override a target from the config (repeatable)
  --log-level L       pino level on stderr: fatal, error, warn (default), info, debug, trace, silent

Exit codes: 0 passed (or degraded), 1 a journey failed, 2 the prober could not judge (config, probe bug, browser).
`;
