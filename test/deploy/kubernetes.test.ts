import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as po from '@kubernetes-models/prometheus-operator';
import * as km from 'kubernetes-models';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const DIR = join(import.meta.dirname, '../../deploy/kubernetes');
const LOCATIONS = ['eu-west-1', 'us-east-1'];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML, checked by the schemas below
  spec?: any;
  data?: Record<string, string>;
}

/** `kubectl kustomize DIR`, as an operator renders it; deprecation warnings on stderr are fine (kustomize v2 syntax). */
function render(path: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', join(DIR, path)], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
}

const camel = (group: string) => group.replace(/[.-]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The kubernetes-models class for an object's apiVersion and kind (prometheus-operator CRDs included). */
function modelFor(o: K8sObject): new (data: unknown) => { validate(): void } {
  const [group, version] = o.apiVersion.includes('/')
    ? (o.apiVersion.split('/') as [string, string])
    : ['', o.apiVersion];
  const root = (
    group === 'monitoring.coreos.com'
      ? po.monitoringCoreosCom
      : group === ''
        ? km
        : (km as Record<string, unknown>)[camel(group)]
  ) as Record<string, Record<string, unknown>> | undefined;
  const model = root?.[version]?.[o.kind];
  if (typeof model !== 'function') throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return model as new (
    data: unknown,
  ) => { validate(): void };
}

function validate(o: K8sObject): void {
  const Model = modelFor(o);
  new Model(o).validate();
}

describe('deploy/kubernetes (Kustomize)', () => {
  it('the schema check is real: a mistyped field or a missing required one is refused', () => {
    const [dep] = render('overlays/eu-west-1').filter((o) => o.kind === 'Deployment');
    expect(() => validate(dep!)).not.toThrow();
    expect(() => validate({ ...dep!, spec: { ...dep!.spec, replicas: 'two' } })).toThrow();
    expect(() => validate({ ...dep!, spec: { ...dep!.spec, selector: undefined } })).toThrow();
  });

  it.each(LOCATIONS)(
    'overlay %s: a Deployment of that location with /livez and /healthz probes, its Service and config, secrets by reference, all schema-valid',
    (location) => {
      const objects = render(`overlays/${location}`);
      for (const o of objects) expect(() => validate(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'ConfigMap',
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
      ]);
      const dep = objects.find((o) => o.kind === 'Deployment')!;
      const svc = objects.find((o) => o.kind === 'Service')!;
      const cm = objects.find((o) => o.kind === 'ConfigMap')!;
      expect(dep.metadata.name).toBe(`golden-path-prober-${location}`);
      const pod = dep.spec.template;
      const container = pod.spec.containers[0];
      const env = Object.fromEntries(
        (container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e]),
      );
      expect(env.PROBER_LOCATION).toEqual({ name: 'PROBER_LOCATION', value: location });
      for (const name of ['PROBER_STORE_URL', 'AUTH_PASSWORD', 'PROBER_SERVER_TOKEN'])
        expect(env[name]?.valueFrom).toMatchObject({ secretKeyRef: { name: 'golden-path-prober' } });
      expect(JSON.stringify(dep)).not.toMatch(/postgres:\/\//);
      // Liveness restarts only a stalled scheduler; readiness also reflects a failing store or a quarantined journey.
      // Over TLS, with the Host the allowlist admits (the kubelet would send the pod IP).
      const probe = (path: string) => ({
        path,
        port: 'http',
        scheme: 'HTTPS',
        httpHeaders: [{ name: 'Host', value: 'localhost' }],
      });
      expect(container.livenessProbe.httpGet).toEqual(probe('/livez'));
      expect(container.readinessProbe.httpGet).toEqual(probe('/healthz'));
      // The Service selects exactly this location's pods, and the pods mount the generated ConfigMap (hashed name).
      for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>))
        expect(pod.metadata.labels[k]).toBe(v);
      expect(svc.spec.selector['prober.golden-path/location']).toBe(location);
      expect(pod.spec.volumes.find((v: { name: string }) => v.name === 'config').configMap.name).toBe(cm.metadata.name);
      expect(cm.data?.['prober.config.ts']).toContain("store: { url: '${env:PROBER_STORE_URL}' }");
      expect(container.args).toEqual(expect.arrayContaining(['schedule', '--config', '/work/prober.config.ts']));
    },
  );

  it('fleet: every location once, the PrometheusRule once and identical to deploy/prometheus/prober-rules.yml', () => {
    const objects = render('fleet');
    for (const o of objects) expect(() => validate(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(LOCATIONS.map((l) => `golden-path-prober-${l}`));
    // Selectors differ per location: one location's Deployment never adopts the other's pods.
    const selectors = deployments.map((d) => JSON.stringify(d.spec.selector.matchLabels));
    expect(new Set(selectors).size).toBe(deployments.length);
    const rules = objects.filter((o) => o.kind === 'PrometheusRule');
    expect(rules).toHaveLength(1);
    const shipped = parse(
      readFileSync(join(import.meta.dirname, '../../deploy/prometheus/prober-rules.yml'), 'utf8'),
    ) as { groups: unknown };
    expect(rules[0]!.spec.groups).toEqual(shipped.groups);
  });
});
