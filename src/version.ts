import { readFileSync } from 'node:fs';

/** Read once from package.json; the same relative path works from src/ (tsx) and dist/ (compiled). */
export const PROBER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const USER_AGENT_TOKEN = `golden-path-prober/${PROBER_VERSION}`;

/** The package root (holds config/, probes/), from src/ or dist/ alike. */
export const PACKAGE_ROOT: URL = new URL('../', import.meta.url);
