import { z } from 'zod';
import { ConfigSchema } from '../src/config/schema.js';
import { RunResult } from '../src/journey/result-schema.js';

/**
 * The published contracts as JSON Schema (draft 2020-12), generated from the zod schemas the code validates with:
 * schemas/config.schema.json describes what a config file may contain (the input, before defaults), and
 * schemas/run.schema.json a `prober.run/v1` document (the output). Refinements zod cannot express (cross-field
 * checks such as a timeout below its schedule interval) are checked by `prober validate`, not by the schema.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/golden-path-prober/golden-path-prober/schemas/config.schema.json',
    title: 'golden-path-prober config',
    ...z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }),
  };
}

export function runJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/golden-path-prober/golden-path-prober/schemas/run.schema.json',
    title: 'prober.run/v1',
    ...z.toJSONSchema(RunResult, { io: 'output', unrepresentable: 'any' }),
  };
}
