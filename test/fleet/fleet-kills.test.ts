// The fleet scenario (fleet-scenario.ts) with the replicas on Postgres directly.
process.env.FLEET_STORE = 'postgres';
await import('./fleet-scenario.js');
