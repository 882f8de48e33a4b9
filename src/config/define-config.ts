import type { ProberConfigInput } from './schema.js';

/**
 * Typed helper for TypeScript config files; validation happens when the prober loads the file. In its own module
 * with a type-only import, so a config or journey file that imports the package loads no schema, alert channel,
 * node-cron or undici (test/packed/light-imports.test.ts).
 */
export function defineConfig(config: ProberConfigInput): ProberConfigInput {
  return config;
}
