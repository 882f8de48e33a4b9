import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as validCron } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseCommand } from '../../src/cli/parse-command.js';
import { RUN_TABLE } from '../../src/cli/tables/run.js';
import { ROOT } from '../support/cli.js';

const read = (p: string) => readFileSync(join(ROOT, 'examples', p), 'utf8');
// YAML documents are untyped; the assertions below are what gives them a shape.
// biome-ignore lint/suspicious/noExplicitAny: see above; `unknown` would need a cast at every property step.
type Obj = Record<string, any>;

function k8s(file: string): Obj[] {
  const docs = parseAllDocuments(read(file));
  for (const d of docs) expect(d.errors, file).toEqual([]);
  const objects = docs.map((d) => d.toJS() as Obj);
  for (const o of objects) {
    expect(typeof o.apiVersion).toBe('string');
    expect(typeof o.kind).toBe('string');
    expect(o.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }
  return objects;
}

/** Every volumeMount names a volume of the pod, and the pod runs as a non-root user. */
function checkPod(spec: Obj): Obj {
  const volumes = new Set((spec.volumes as Obj[]).map((v) => v.name));
  const container = (spec.containers as Obj[])[0]!;
  for (const m of container.volumeMounts as Obj[]) expect(volumes.has(m.name), m.name).toBe(true);
  expect(spec.securityContext?.runAsNonRoot).toBe(true);
  expect(container.env.find((e: Obj) => e.name === 'AUTH_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBeDefined();
  return container;
}

describe('deployment examples', () => {
  it('Kubernetes CronJob: run mode with a state volume, a valid schedule, no overlap, and flags the CLI accepts', () => {
    const [cron, pvc] = k8s('kubernetes/cronjob.yaml');
    expect([cron!.kind, cron!.apiVersion, pvc!.kind]).toEqual(['CronJob', 'batch/v1', 'PersistentVolumeClaim']);
    expect(validCron(cron!.spec.schedule)).toBe(true);
    expect(cron!.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron!.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const c = checkPod(pod);
    expect(c.args[0]).toBe('run');
    const { values } = parseCommand(RUN_TABLE, c.args.slice(1));
    expect(values.config).toBe('/config/staging.ts');
    expect(c.args).toContain('--store');
    expect(pod.volumes.find((v: Obj) => v.name === 'state').persistentVolumeClaim.claimName).toBe(pvc!.metadata.name);
  });

  it('Kubernetes Deployment: schedule mode with /livez and /healthz probes on the served port and scrape annotations', () => {
    const [dep, svc] = k8s('kubernetes/deployment.yaml');
    expect([dep!.kind, dep!.apiVersion, svc!.kind]).toEqual(['Deployment', 'apps/v1', 'Service']);
    const tpl = dep!.spec.template;
    expect(dep!.spec.selector.matchLabels).toEqual(tpl.metadata.labels);
    expect(svc!.spec.selector).toEqual(tpl.metadata.labels);
    const c = checkPod(tpl.spec);
    expect(c.args[0]).toBe('schedule');
    const port = c.ports[0];
    expect(c.args[c.args.indexOf('--port') + 1]).toBe(String(port.containerPort));
    // Liveness restarts only a stalled scheduler (/livez); readiness also drops a prober whose store fails (/healthz).
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: port.name });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: port.name });
    expect(tpl.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port.containerPort),
      'prometheus.io/path': '/metrics',
    });
  });

  it('GitHub Actions: a post-deploy job that gates on the version and publishes JUnit, HTML and the step summary', () => {
    const wf = parseYaml(read('github-actions/post-deploy.yml')) as Obj;
    const steps = wf.jobs['golden-path'].steps as Obj[];
    const run = steps.find((s) => typeof s.run === 'string' && s.run.includes('prober run'))!;
    for (const flag of [
      '--expect-version',
      '--wait-ready',
      '--reporter junit=',
      '--reporter html=',
      '--reporter github',
    ])
      expect(run.run).toContain(flag);
    expect(run.env.AUTH_PASSWORD).toBe('${{ secrets.AUTH_PASSWORD }}');
    expect(steps.at(-1)!.if).toBe('${{ always() }}');
  });

  it('GitLab CI: the JUnit report path is the one the job writes', () => {
    const ci = parseYaml(read('gitlab-ci/.gitlab-ci.yml')) as Obj;
    const job = ci['golden-path'];
    expect(job.script.join(' ')).toContain(`--reporter junit=${job.artifacts.reports.junit}`);
    expect(job.artifacts.when).toBe('always');
  });

  it('crontab: a valid schedule, a lock against overlap, and a store for history', () => {
    const line = read('cron/crontab')
      .split('\n')
      .find((l) => l.trim() !== '' && !l.startsWith('#'))!;
    const fields = line.split(/\s+/);
    expect(validCron(fields.slice(0, 5).join(' '))).toBe(true);
    expect(line).toMatch(/flock -n .* npx prober run --config \S+ --store \S+/);
  });
});
