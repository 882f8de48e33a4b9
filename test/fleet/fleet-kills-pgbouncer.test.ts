// The same fleet scenario (fleet-scenario.ts) with every replica behind Debian's PgBouncer in transaction mode, each
// at its connection budget: a file of its own, so CI runs both beside other files.
process.env.FLEET_STORE = 'pgbouncer';
await import('./fleet-scenario.js');
