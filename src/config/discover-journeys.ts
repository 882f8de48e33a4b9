import { relative } from 'node:path';
import { glob } from 'tinyglobby';
import { isJourneyDefinition, type JourneyDefinition } from '../journey/define.js';
import { importContained, loadErrorMessage } from './import-module.js';
import { problem, type Problem } from './problems.js';

export interface Discovered {
  journeys: { def: JourneyDefinition; file: string }[];
  problems: Problem[];
}

/** Imports every journey file matched by the config's `probes` globs (relative to the config file). */
export async function discoverJourneys(patterns: readonly string[], baseDir: string): Promise<Discovered> {
  const problems: Problem[] = [];
  const journeys: Discovered['journeys'] = [];
  for (const [i, pattern] of patterns.entries()) {
    const files = await glob(pattern, { cwd: baseDir, absolute: true, onlyFiles: true });
    if (files.length === 0) {
      problems.push(problem(`probes[${i}]`, `no journey files match "${pattern}" (relative to ${baseDir})`));
      continue;
    }
    for (const file of files.sort()) {
      const shown = relative(process.cwd(), file);
      try {
        const mod = await importContained(file, shown);
        const found = Object.values(mod).filter(isJourneyDefinition);
        if (found.length === 0)
          problems.push(problem(shown, 'exports no journey', 'write `export default journey({ ... })`'));
        for (const def of new Set(found)) journeys.push({ def, file: shown });
      } catch (err) {
        problems.push(problem(shown, `could not load: ${loadErrorMessage(err)}`));
      }
    }
  }
  return { journeys, problems };
}
