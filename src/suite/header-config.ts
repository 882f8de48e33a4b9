import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RUN_CONFIG_NAME } from '../config/suite-list-cache.js';

/**
 * The synthetic-traffic tag (`x-synthetic-probe: <runId>`) and a W3C `traceparent` of the run's trace on every request
 * of a suite that does not import our fixture. Playwright has no command-line flag for `use` options, so the run is
 * given a small config of ours that imports the user's and adds them to `use.extraHTTPHeaders`. Playwright merges a
 * project's `use` over the top level's key by key (a project's `extraHTTPHeaders` replaces the top level's), so they
 * go into the top level and into each project that sets its own; the user's other headers stay, ours win over one of
 * the same name. The browser's own User-Agent is left alone (sites sniff it); an explicit `use.userAgent` gets the
 * prober's token appended, as the prober's own browser journeys do. The traceparent's span is one per Playwright
 * process (each worker loads the config). The file sits next to the user's config, because Playwright resolves
 * `testDir`, `globalSetup`, `webServer.cwd` and the tsconfig from the config's folder, and the test ids stay those the
 * listing gave. Plain ESM syntax, valid in every extension Playwright loads (it compiles each to CommonJS as needed).
 */
const WRAPPER = (
  userConfig: string,
) => `// Written by golden-path-prober for one run of this Playwright suite; removed when the run ends.
import { randomBytes } from 'node:crypto';
import * as imported from './${userConfig}';

const tags = JSON.parse(process.env.PROBER_SUITE_HEADERS || '{}');
const traceId = process.env.PROBER_TRACE_ID || '';
if (/^[0-9a-f]{32}$/.test(traceId)) tags.traceparent = '00-' + traceId + '-' + randomBytes(8).toString('hex') + '-01';
const token = process.env.PROBER_USER_AGENT_TOKEN || '';
const ours = new Set(Object.keys(tags).map((k) => k.toLowerCase()));
const withTags = (headers) => ({
  ...Object.fromEntries(Object.entries(headers || {}).filter(([k]) => !ours.has(k.toLowerCase()))),
  ...tags,
});
const tagUse = (use, always) => {
  const out = { ...use };
  if (always || (use && use.extraHTTPHeaders !== undefined)) out.extraHTTPHeaders = withTags(use && use.extraHTTPHeaders);
  if (use && typeof use.userAgent === 'string' && token !== '') out.userAgent = use.userAgent + ' ' + token;
  return out;
};
let config = imported;
while (config !== null && typeof config === 'object' && 'default' in config) config = config.default;

export default {
  ...config,
  use: tagUse(config.use, true),
  ...(Array.isArray(config.projects)
    ? { projects: config.projects.map((p) => (p && p.use ? { ...p, use: tagUse(p.use, false) } : p)) }
    : {}),
};
`;

export interface HeaderConfig {
  /** The config to pass as `--config`: ours, or the user's when ours could not be written (a read-only folder). */
  file: string;
  remove(): void;
}

/** Writes the run's config next to `configFile`, after removing those a killed prober left behind. */
export function writeHeaderConfig(configFile: string): HeaderConfig {
  const dir = dirname(configFile);
  removeOrphans(dir);
  const file = join(dir, `.prober-${process.pid}-${randomBytes(4).toString('hex')}.${basename(configFile)}`);
  try {
    writeFileSync(file, WRAPPER(basename(configFile)), { flag: 'wx' });
  } catch {
    return { file: configFile, remove: () => undefined };
  }
  return { file, remove: () => rmSync(file, { force: true }) };
}

function removeOrphans(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(RUN_CONFIG_NAME.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(dir, name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as { code?: string }).code === 'EPERM';
  }
}
