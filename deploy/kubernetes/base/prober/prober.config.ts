// The config every location shares; where each prober stands comes from PROBER_LOCATION (set per overlay).
// Journeys: the package's bundled ones here; mount your own next to this file and list them in `probes`.
import { defineConfig } from 'golden-path-prober';

export default defineConfig({
  environment: 'staging',
  targets: {
    auth: 'https://auth.staging.example.com',
    backend: 'https://api.staging.example.com',
    web: 'https://app.staging.example.com',
  },
  probes: ['/usr/local/lib/node_modules/golden-path-prober/probes/golden-path-api.ts'],
  secrets: { password: '${env:AUTH_PASSWORD}' },
  variables: { email: 'prober@staging.example.com' },
  store: { url: '${env:PROBER_STORE_URL}' },
  server: {
    host: '0.0.0.0',
    port: 9470,
    // The pod network is a network: TLS from the mounted Secret (re-read on renewal) and a token for everything
    // but /healthz and /livez. The Host allowlist: the kubelet's probes (localhost) and the Service's names.
    tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
    auth: { bearerToken: '${env:PROBER_SERVER_TOKEN}' },
    allowedHosts: ['localhost', '.svc', '.svc.cluster.local'],
  },
  journeys: { 'golden-path-api': { schedule: '*/30 * * * * *' } },
});
