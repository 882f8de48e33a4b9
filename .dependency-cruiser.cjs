// Import rules that keep the architecture (the layers drawn in the README's Architecture section). No rule has an allowed
// exception for one file: a dependency a rule forbids is moved, not excused.
// Run with `npm run lint:imports`; `npm test` runs it before vitest.
//
// Type-only imports COUNT (tsPreCompilationDeps: true) for every rule between our own folders, cycles included: a
// `import type` from an adapter or from a command still couples the two files (the contract lives in the wrong
// place, and a refactor of one breaks the other), which is the coupling these rules exist to stop. The one place
// they do not count is the npm-adapter rule for journey/: the step ports must name the Playwright `Page` type they
// hand to probes, and a type import loads nothing.

/** The prober's own folders a rule speaks about, as path regexes relative to the repo root. */
const SRC = '^src/';
/** The core: the runner and its model (journey/) and its observer of the sockets a step opens (wire/). */
const CORE = ['^src/journey/', '^src/wire/'];
/** The two leaf modules every layer may import. */
const LEAVES = '^src/(redact|version)\\.ts$';
/** npm packages that do I/O: HTTP, WebSocket, browser, SQLite, Postgres, metrics, logging, OTLP export. */
const IO_PACKAGES = '^node_modules/(undici|ws|playwright-core|better-sqlite3|pg|prom-client|pino|@opentelemetry)/';
/** The scheduler's cron library: no I/O, but it starts timers, so the core keeps away from it too. */
const CRON_PACKAGE = '^node_modules/node-cron/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles (type-only imports included) make load order and ownership ambiguous: break the cycle by moving the shared part down.',
      from: { path: '^(src|probes|examples)/' },
      to: { circular: true },
    },
    {
      name: 'journey-is-the-core',
      severity: 'error',
      comment:
        "The core, src/journey/ (authoring API, runner, result model, step ports) with src/wire/ (the runner's observer of the sockets a step opens), imports nothing but itself and the two leaf modules redact.ts and version.ts: no adapter (steps/), CLI, reporter, alert, schedule, store, sandbox, config or pipeline code.",
      from: { path: CORE },
      to: { path: SRC, pathNot: [...CORE, LEAVES] },
    },
    {
      name: 'journey-no-adapter-packages',
      severity: 'error',
      comment:
        'The core (journey/, wire/) loads no I/O library (undici, ws, playwright, node-cron, SQLite, Postgres, metrics, logging); step kinds in src/steps/ do. Type-only imports are allowed: the ports name the types they hand over.',
      from: { path: CORE },
      to: { path: [IO_PACKAGES, CRON_PACKAGE], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'journey-no-network',
      severity: 'error',
      comment:
        "src/journey/ opens no connection of its own (net, tls, dns, http, dgram; a type import loads nothing): what it needs from the network (the TCP check of a step's service) is a port (journey/reachability.ts) an adapter in src/steps/ implements and the composition root hands in.",
      from: { path: '^src/journey/' },
      to: {
        dependencyTypes: ['core'],
        dependencyTypesNot: ['type-only'],
        path: '^(node:)?(net|tls|dns|http|https|http2|dgram)$',
      },
    },
    {
      name: 'steps-not-report',
      severity: 'error',
      comment: 'Step kinds produce results; how results are reported is not their business.',
      from: { path: '^src/steps/' },
      to: { path: '^src/report/' },
    },
    {
      name: 'report-not-alert',
      severity: 'error',
      comment: 'Reporters render results; alerting is a separate sink wired by the pipeline.',
      from: { path: '^src/report/' },
      to: { path: '^src/alert/' },
    },
    {
      name: 'sandbox-is-standalone',
      severity: 'error',
      comment:
        "src/sandbox/ is the fake staging the prober is tested against: it must not share the prober's code, or a prober bug could hide itself.",
      from: { path: '^src/sandbox/' },
      to: { path: SRC, pathNot: '^src/sandbox/' },
    },
    {
      name: 'report-not-store',
      severity: 'error',
      comment:
        "Reporters and the status page render results they are handed (a history port they declare); opening or typing the state store is the composition root's business.",
      from: { path: '^src/report/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'assemble-is-for-entry-points',
      severity: 'error',
      comment:
        'src/assemble/ (the composition root) is used by the entry points only: the CLI, the API and the daemon (schedule/daemon*.ts). Nothing it builds on imports it.',
      from: { path: SRC, pathNot: ['^src/(cli|api|assemble)/', '^src/schedule/daemon(-parts|-state)?[.]ts$'] },
      to: { path: '^src/assemble/' },
    },
    {
      name: 'entry-points-do-not-assemble',
      severity: 'error',
      comment:
        'The CLI and the API construct no store, resilient wrapper, metrics, OTLP sink or sink list: they ask src/assemble/ for a prober (one place builds each).',
      from: { path: '^src/(cli|api)/' },
      to: {
        path: '^src/(store/(open-store|resilient-store|deferred-open|sqlite-run-store|postgres-run-store)|report/metrics|otlp/otlp-sink|pipeline/build-sinks)\\.ts$',
      },
    },
    {
      name: 'probes-not-sandbox',
      severity: 'error',
      comment: 'Probes run against any environment; the sandbox is only one of them.',
      from: { path: '^probes/' },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'probes-use-public-api',
      severity: 'error',
      comment:
        "Probes and examples import only what users can import: 'golden-path-prober' (src/index.ts) and 'golden-path-prober/browser' (src/browser.ts).",
      from: { path: '^(probes|examples)/' },
      to: { path: SRC, pathNot: '^src/(index|browser)\\.ts$' },
    },
    {
      name: 'config-is-a-leaf',
      severity: 'error',
      comment:
        'src/config/ (schemas, loading, ${env:} resolution, journey discovery) is the layer above the core: it imports only config/ files, the core it loads and checks (src/journey/, src/wire/) and the leaf modules redact.ts and version.ts. Never alert/, schedule/, steps/, report/, store/, cli/.',
      from: { path: '^src/config/' },
      to: { path: SRC, pathNot: ['^src/config/', ...CORE, LEAVES] },
    },
    {
      name: 'config-no-adapter-packages',
      severity: 'error',
      comment:
        "Loading a config loads no HTTP client, WebSocket, browser, store driver, metrics or logging library (node-cron, which does no I/O, is the next rule's).",
      from: { path: '^src/config/' },
      to: { path: IO_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'config-cron-in-one-place',
      severity: 'error',
      comment:
        "In src/config/, node-cron is loaded by config/cron.ts (the one cron schema) and config/cron-interval.ts only: they check cron expressions with node-cron itself, so the config accepts exactly what the scheduler runs (a second parser could disagree). Journey files' defineConfig (config/define-config.ts) does not reach it (test/packed/light-imports.test.ts).",
      from: { path: '^src/config/', pathNot: '^src/config/cron(-interval)?\\.ts$' },
      to: { path: CRON_PACKAGE, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-is-the-top',
      severity: 'error',
      comment:
        'src/cli/ parses arguments and wires commands; nothing below it imports it (move the shared part down instead).',
      from: { path: SRC, pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-command-imports-command',
      severity: 'error',
      comment: 'A command file never imports another command file: shared helpers live outside src/cli/commands/.',
      from: { path: '^src/cli/commands/([^/.]+)' },
      to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1([./]|$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
