import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { RunResult, type JourneyResult, type StepResult } from '../../src/journey/result-schema.js';
import { packedProject } from '../support/packed-project.js';

/** The grace `prober run` may take past a journey's deadline (documented), plus slack for a loaded two-core box. */
export const GRACE_BOUND_MS = 10_000 + 8_000;

/**
 * A control endpoint the journeys call between two steps (`GET /restart`): it restarts the server under test and
 * answers once it is back, so "restarted between two steps" happens exactly there, with no sleep.
 */
export async function startControl(actions: Record<string, () => Promise<void>>): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const server: Server = createServer((req, res) => {
    const action = actions[(req.url ?? '/').slice(1)];
    if (action === undefined) {
      res.writeHead(404).end();
      return;
    }
    action().then(
      () => res.writeHead(200).end('ok'),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface WireRun {
  code: number | null;
  durationMs: number;
  stderr: string;
  result: RunResult;
  journey(name: string): JourneyResult;
  /** The step that failed in this journey (its failure names it). */
  failedStep(name: string): StepResult;
}

/** A packed-package workspace with these files, and a way to run `prober run` there with the JSON reporter. */
export async function wireWorkspace(files: Record<string, string>) {
  const project = packedProject();
  const dir = await project.workspace(files);
  return {
    dir,
    async run(journeys: string[], env: NodeJS.ProcessEnv = {}): Promise<WireRun> {
      const r = await project.prober(['run', ...journeys, '--config', 'prober.config.json', '--reporter', 'json'], {
        cwd: dir,
        env,
        timeoutMs: 60_000,
      });
      expect(r.signal, r.stderr).toBeNull();
      const result = RunResult.parse(JSON.parse(r.stdout));
      const journey = (name: string) => {
        const j = result.journeys.find((x) => x.journey === name);
        if (j === undefined) throw new Error(`no journey ${name} in the result`);
        return j;
      };
      return {
        code: r.code,
        durationMs: r.durationMs,
        stderr: r.stderr,
        result,
        journey,
        failedStep: (name) => {
          const j = journey(name);
          const s = j.steps.find((x) => x.name === j.failure?.step);
          if (s === undefined) throw new Error(`journey ${name} did not fail: ${j.verdict}`);
          return s;
        },
      };
    },
  };
}
