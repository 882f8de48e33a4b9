import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TSCONFIG_JSON } from '../../src/cli/init-templates.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { packedProject } from '../support/packed-project.js';
import { type CodeBlock, codeBlocks, docFiles, read } from './doc-files.js';

/**
 * Every TypeScript block in README.md and docs/ (pages added later included: the folder is walked) is compiled
 * against the packed package, as a user who copies it gets it: ` ```ts ` is a whole module and must type-check,
 * ` ```ts fragment ` is part of one and is skipped, ` ```ts run ` is a journey that must also pass against the
 * bundled sandbox.
 */
const blocks = docFiles(ROOT).flatMap((f) => codeBlocks(f, read(ROOT, f)));
const modules = blocks.filter((b) => b.lang === 'ts' && !b.flags.includes('fragment'));
const runnable = modules.filter((b) => b.flags.includes('run'));
const fileName = (b: CodeBlock) => `${b.file.replace(/[/.]/g, '_')}_${b.line}.ts`;

const password = 'docs-code-block-password';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('the code blocks in the documentation', () => {
  it('there are TypeScript blocks to check, and the runnable ones are journeys', () => {
    expect(modules.length).toBeGreaterThan(5);
    expect(runnable.length).toBeGreaterThan(0);
    for (const b of runnable) expect(b.code, `${b.file}:${b.line}`).toMatch(/export default journey\(/);
  });

  it('every whole TypeScript block type-checks against the packed package', async () => {
    const p = packedProject();
    const files = Object.fromEntries(modules.map((b) => [`blocks/${fileName(b)}`, b.code]));
    const tsconfig = JSON.parse(TSCONFIG_JSON) as { include: string[] };
    tsconfig.include = ['blocks'];
    const dir = await p.workspace({ ...files, 'tsconfig.json': JSON.stringify(tsconfig) });
    const tsc = spawnSync(process.execPath, [join(p.root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], {
      encoding: 'utf8',
    });
    // Name the page and line of each error, not the temp file.
    const where = new Map(modules.map((b) => [fileName(b), `${b.file}:${b.line}`]));
    const errors = (tsc.stdout + tsc.stderr).replace(/blocks\/(\S+?\.ts)/g, (_m, f: string) => where.get(f) ?? f);
    expect(errors).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('every runnable journey passes against the sandbox', async () => {
    const p = packedProject();
    const files = Object.fromEntries(runnable.map((b) => [`probes/${fileName(b)}`, b.code]));
    const config = {
      environment: 'docs',
      targets: sandbox.urls,
      probes: ['probes/*.ts'],
      secrets: { password: '${env:DOCS_PASSWORD}' },
      variables: { email: 'probe@sandbox.test' },
    };
    const dir = await p.workspace({ ...files, 'prober.config.json': JSON.stringify(config) });
    const run = await p.prober(['run', '--reporter', 'json'], {
      cwd: dir,
      env: { DOCS_PASSWORD: password },
      timeoutMs: 80_000,
    });
    const result = RunResult.parse(JSON.parse(run.stdout));
    const passed = (s: string) => (s === 'degraded' ? 'pass' : s);
    expect(result.journeys.map((j) => [j.journey, passed(j.status), j.verdict])).toEqual(
      result.journeys.map((j) => [j.journey, 'pass', j.verdict]),
    );
    expect(result.journeys).toHaveLength(runnable.length);
    expect(run.code).toBe(0);
  });
});
