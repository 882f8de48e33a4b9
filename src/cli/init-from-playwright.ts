import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { problemLine } from '../config/problems.js';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { discoverSuites } from '../config/discover-suites.js';

const CONFIG_NAMES = '**/playwright.config.{ts,mts,cts,js,mjs,cjs}';

/**
 * `prober init --from-playwright`: finds the project's Playwright config, lists its tests (as `prober list` will),
 * and writes a `prober.config.ts` that schedules each of them, with the target guessed from the config's `baseURL`
 * and a `DECIDE:` comment at each choice only the user can make. Never overwrites an existing file.
 */
export async function initFromPlaywright(dir: string, out: (line: string) => void): Promise<number> {
  const target = join(dir, 'prober.config.ts');
  if (existsSync(target)) {
    out('prober: prober.config.ts exists; move it away or add `suites: [{ config: ... }]` to it yourself');
    return 2;
  }
  const found = (await glob(CONFIG_NAMES, { cwd: dir, ignore: ['**/node_modules/**'], deep: 4 })).sort(
    (a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b),
  );
  const config = found[0];
  if (config === undefined) {
    out('prober: no playwright.config.{ts,js,mjs,...} found here or below; run it where your Playwright config is');
    return 2;
  }
  const source = readFileSync(join(dir, config), 'utf8');
  const baseURL = guessBaseUrl(source);
  const targets = { web: baseURL ?? 'https://staging.example.com' };
  const listed = await discoverSuites(
    { suites: [{ config, mapping: 'test', timeoutMs: 120_000, env: {} }], targets, variables: {} },
    dir,
    process.env,
  );
  const names = listed.journeys.map((j) => j.def.name);
  const notes = listed.problems.map(problemLine);
  writeFileSync(target, renderConfig({ config, baseURL, names, problems: notes }), { flag: 'wx' });
  out(`  wrote     prober.config.ts (from ${config}: ${names.length} journeys)`);
  for (const p of notes) out(`  note      ${p}`);
  out('');
  out('Next: read the DECIDE: comments in prober.config.ts, then');
  out('  npx prober list       # what will run');
  out('  npx prober run        # run it once');
  return 0;
}

/** A literal `baseURL: 'https://…'`, or the fallback of `process.env.X ?? 'https://…'`. */
export function guessBaseUrl(source: string): string | undefined {
  const m = /baseURL\s*:\s*(?:process\.env\.\w+\s*(?:\?\?|\|\|)\s*)?(['"`])(https?:\/\/[^'"`$]+)\1/.exec(source);
  return m?.[2];
}

export function renderConfig(o: {
  config: string;
  baseURL: string | undefined;
  names: readonly string[];
  problems: readonly string[];
}): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const schedules =
    o.names.length === 0
      ? [
          "    // DECIDE: a schedule per journey (names from `npx prober list`), e.g. 'suite: test': { schedule: '*/5 * * * *' },",
        ]
      : o.names.map((n) => `    ${q(n)}: { schedule: '*/5 * * * *' },`);
  return `import { defineConfig } from 'golden-path-prober';

// Written by \`prober init --from-playwright\` from ${o.config}. Each line marked DECIDE is yours to decide.
export default defineConfig({
  // DECIDE: the name of the environment this probes (it is in every result and alert).
  environment: 'staging',
  // ${o.baseURL === undefined ? 'DECIDE: no literal baseURL was found in the Playwright config; the URL your tests open.' : `From baseURL in ${o.config}.`}
  // DECIDE: one target per service your tests touch (e.g. auth, api), so failures name the right service.
  targets: { web: ${q(o.baseURL ?? 'https://staging.example.com')} },
  // DECIDE: secrets your tests read from the environment, e.g. password: '\${env:E2E_PASSWORD}'.
  secrets: {},
  suites: [
    {
      config: ${q(o.config)},
      // DECIDE: only some projects (e.g. projects: ['chromium']), or only tagged tests (e.g. grep: '@smoke').
      // DECIDE: the environment the suite needs, e.g. env: { E2E_PASSWORD: { secret: 'password' } }.
    },
  ],
  // DECIDE: how often each journey runs (every 5 minutes here); remove a line to run it only on demand.
  journeys: {
${schedules.join('\n')}
  },
});
`;
}
