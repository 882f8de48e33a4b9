import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'golden-path-prober';

/** The browser bench's config: the bundled browser golden path against the cheap target's web pages (bench/browser.ts). */
export default defineConfig({
  environment: 'bench',
  targets: { auth: 'http://127.0.0.1:1', backend: 'http://127.0.0.1:1', web: 'http://127.0.0.1:1' },
  probes: ['../probes/golden-path-browser.ts'],
  secrets: { password: '${env:BENCH_PASSWORD}' },
  variables: { email: 'probe@bench.test' },
  // The same Chromium as the bare script; evidence as configured by default (screenshots of failed steps, no trace).
  browser: { executablePath: '/usr/bin/chromium', artifactsDir: join(tmpdir(), 'prober-bench-artifacts') },
});
