// The fleet scenario (fleet-scenario.ts): replicas on Postgres directly, or with FLEET_STORE=pgbouncer through
// Debian's PgBouncer in transaction mode (not in CI: two of these 40 s scenarios at once on two cores starve the
// replicas' tick timers).
await import('./fleet-scenario.js');
