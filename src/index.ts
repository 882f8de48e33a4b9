/** The authoring API for journey files: `import { journey, step, z } from 'golden-path-prober'`. */
export { janitor, journey, step } from './journey/define.js';
export type { JourneyDefinition, StepContext, StepDefinition, StepOptions, Vars } from './journey/define.js';
export { StepFailure } from './journey/errors.js';
export type { RunResult, JourneyResult, StepResult, Category } from './journey/result-schema.js';
export { RunResult as RunResultSchema } from './journey/result-schema.js';
export { defineConfig } from './config/schema.js';
export type { ProberConfig } from './config/schema.js';
export { z } from 'zod';
