import { defineConfig } from 'golden-path-prober';

/**
 * An example for a real environment: copy it, change the URLs and the probe account, and export AUTH_PASSWORD.
 * Secrets are only ever `${env:NAME}` references; a literal password here is refused.
 */
export default defineConfig({
  environment: 'staging',
  targets: {
    auth: 'https://auth.staging.example.com',
    backend: 'https://chat.staging.example.com',
    web: 'https://app.staging.example.com',
  },
  probes: ['../probes/golden-path-api.ts'],
  secrets: { password: '${env:AUTH_PASSWORD}' },
  variables: { email: 'synthetic-probe@example.com' },
  journeys: {
    'golden-path-api': {
      schedule: '0 * * * * *',
      timeoutMs: 45_000,
      steps: { 'chat.reply': { timeoutMs: 20_000, budgetMs: 8_000 } },
    },
  },
});
