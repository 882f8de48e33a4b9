import { defineConfig } from 'golden-path-prober';

/**
 * The benches' config: the bundled API golden path against the cheap loopback target (bench/cheap-target.mjs).
 * No janitor: the bare script it is compared with does not clean up after itself either (and the cheap target has
 * no session list, so the janitor would add a failing login and GET to every prober run).
 */
export default defineConfig({
  environment: 'bench',
  targets: { auth: 'http://127.0.0.1:1', backend: 'http://127.0.0.1:1', web: 'http://127.0.0.1:1' },
  probes: ['../probes/golden-path-api.ts'],
  secrets: { password: '${env:BENCH_PASSWORD}' },
  variables: { email: 'probe@bench.test' },
  janitor: { enabled: false },
});
