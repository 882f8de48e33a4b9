import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The lines the prober's Playwright reporter (src/suite/prober-reporter.ts) appends, one JSON object each. Parsed
 * leniently (unknown keys kept out, a torn last line of a killed run skipped): the reporter runs inside the user's
 * Playwright, and one odd line must not lose the run.
 */
const Location = z.object({ file: z.string(), line: z.number(), column: z.number().optional() });
export const SuiteError = z.object({
  message: z.string(),
  stack: z.string().optional(),
  snippet: z.string().optional(),
  location: Location.optional(),
});
export type SuiteError = z.infer<typeof SuiteError>;

const Annotation = z.object({ type: z.string(), description: z.string().optional() });
export type SuiteAnnotation = z.infer<typeof Annotation>;

export const SuiteEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('begin'),
    version: z.string().optional(),
    projects: z.array(
      z.object({
        name: z.string(),
        dependencies: z.array(z.string()).default([]),
        teardown: z.string().optional(),
        baseURL: z.string().optional(),
        testDir: z.string().optional(),
      }),
    ),
    tests: z.array(
      z.object({
        id: z.string(),
        titles: z.array(z.string()),
        file: z.string(),
        line: z.number(),
        project: z.string(),
        tags: z.array(z.string()).default([]),
        retries: z.number().default(0),
      }),
    ),
  }),
  z.object({ type: z.literal('test/begin'), id: z.string(), retry: z.number(), startTime: z.string() }),
  z.object({
    type: z.literal('step/begin'),
    id: z.string(),
    retry: z.number(),
    category: z.string(),
    path: z.array(z.string()),
    startTime: z.string(),
    location: Location.optional(),
  }),
  z.object({
    type: z.literal('step/end'),
    id: z.string(),
    retry: z.number(),
    category: z.string(),
    path: z.array(z.string()),
    duration: z.number(),
    error: SuiteError.optional(),
  }),
  z.object({
    type: z.literal('test/end'),
    id: z.string(),
    retry: z.number(),
    status: z.enum(['passed', 'failed', 'timedOut', 'skipped', 'interrupted']),
    expectedStatus: z.string(),
    duration: z.number(),
    errors: z.array(SuiteError),
    annotations: z.array(Annotation).default([]),
    attachments: z.array(z.object({ name: z.string(), path: z.string(), contentType: z.string() })).default([]),
  }),
  z.object({ type: z.literal('error'), error: SuiteError }),
  z.object({ type: z.literal('end'), status: z.string() }),
]);
export type SuiteEvent = z.infer<typeof SuiteEvent>;
export type BeginEvent = Extract<SuiteEvent, { type: 'begin' }>;
export type ListedTest = BeginEvent['tests'][number];

export function parseSuiteEvents(text: string): SuiteEvent[] {
  const events: SuiteEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = SuiteEvent.safeParse(JSON.parse(line));
      if (parsed.success) events.push(parsed.data);
    } catch {
      // a line torn by a kill at the deadline
    }
  }
  return events;
}

export function readSuiteEvents(file: string): SuiteEvent[] {
  try {
    return parseSuiteEvents(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
