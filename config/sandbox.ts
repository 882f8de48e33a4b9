import { defineConfig } from 'golden-path-prober';

/**
 * The bundled sandbox staging. `prober demo` overrides the targets with the ports it picked;
 * `prober sandbox` (default --port 4100) serves exactly these URLs.
 */
export default defineConfig({
  environment: 'sandbox',
  targets: {
    auth: 'http://127.0.0.1:4101',
    backend: 'http://127.0.0.1:4102',
    web: 'http://127.0.0.1:4103',
  },
  probes: ['../probes/golden-path-api.ts', '../probes/golden-path-agent.ts', '../probes/golden-path-browser.ts'],
  secrets: { password: '${env:SANDBOX_PASSWORD}' },
  variables: { email: 'probe@sandbox.test' },
  // The sandbox serves /version on each service: record them in every result.
  versions: { auth: {}, backend: {}, web: {} },
  journeys: {
    'golden-path-api': { schedule: '0 * * * * *', timeoutMs: 40_000 },
    // The seed platform's agent dialect, offset from the other two.
    'golden-path-agent': { schedule: '15 * * * * *', timeoutMs: 30_000 },
    // A real Chromium run is heavier: every minute, offset by 30 s from the API journey, deadline under the interval.
    'golden-path-browser': { schedule: '30 * * * * *', timeoutMs: 45_000 },
  },
});
