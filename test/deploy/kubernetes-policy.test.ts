import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * Policy rules over the rendered manifests, conftest-style: each rule takes every object `kubectl kustomize`
 * renders and returns what violates it, one line each. Schema validity is kubernetes.test.ts's; these say what a
 * prober facing a network must have (issue 24): a hardened pod, spread and a disruption budget, a NetworkPolicy,
 * TLS and auth from Secrets, probes that pass the Host allowlist.
 */

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML; the rules read what they check and report its absence
type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; data?: any };
type Rule = (objects: Obj[]) => string[];

const DIR = join(import.meta.dirname, '../../deploy/kubernetes');

function render(path: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', join(DIR, path)], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

const deployments = (objects: Obj[]) => objects.filter((o) => o.kind === 'Deployment');
const podLabels = (d: Obj): Record<string, string> => d.spec.template.metadata.labels ?? {};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);

const RULES: Record<string, Rule> = {
  'pods run as non-root, read-only, without privilege escalation or capabilities, under RuntimeDefault seccomp': (
    objects,
  ) =>
    deployments(objects).flatMap((d) => {
      const pod = d.spec.template.spec;
      return (pod.containers as { name: string; securityContext?: Obj['spec'] }[]).flatMap((c) => {
        const sc = c.securityContext ?? {};
        const where = `${d.metadata.name}/${c.name}`;
        const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
        return [
          ...((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true ? [] : [`${where}: runAsNonRoot`]),
          ...(sc.readOnlyRootFilesystem === true ? [] : [`${where}: readOnlyRootFilesystem`]),
          ...(sc.allowPrivilegeEscalation === false ? [] : [`${where}: allowPrivilegeEscalation false`]),
          ...((sc.capabilities?.drop ?? []).includes('ALL') ? [] : [`${where}: capabilities drop ALL`]),
          ...(seccomp === 'RuntimeDefault' ? [] : [`${where}: seccompProfile RuntimeDefault`]),
          ...(sc.privileged === true ? [`${where}: privileged`] : []),
          ...(pod.hostNetwork === true ? [`${d.metadata.name}: hostNetwork`] : []),
        ];
      });
    }),
  'replicas spread across nodes and zones': (objects) =>
    deployments(objects).flatMap((d) =>
      ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].flatMap((key) => {
        const c = (d.spec.template.spec.topologySpreadConstraints ?? []).find(
          (t: { topologyKey: string }) => t.topologyKey === key,
        );
        return c !== undefined && selects(c.labelSelector?.matchLabels, podLabels(d))
          ? []
          : [`${d.metadata.name}: no spread over ${key} selecting its pods`];
      }),
    ),
  'every Deployment has a PodDisruptionBudget keeping one pod': (objects) =>
    deployments(objects).flatMap((d) =>
      objects.some(
        (o) =>
          o.kind === 'PodDisruptionBudget' &&
          o.spec.minAvailable >= 1 &&
          selects(o.spec.selector?.matchLabels, podLabels(d)),
      )
        ? []
        : [`${d.metadata.name}: no PodDisruptionBudget`],
    ),
  'every Deployment’s pods are behind a NetworkPolicy limiting ingress to the server port': (objects) =>
    deployments(objects).flatMap((d) => {
      const policy = objects.find(
        (o) =>
          o.kind === 'NetworkPolicy' &&
          selects(o.spec.podSelector?.matchLabels, podLabels(d)) &&
          (o.spec.policyTypes ?? []).includes('Ingress'),
      );
      if (policy === undefined) return [`${d.metadata.name}: no ingress NetworkPolicy`];
      const open = (policy.spec.ingress ?? []).some(
        (r: { from?: unknown[]; ports?: unknown[] }) => r.from === undefined || r.ports === undefined,
      );
      return open ? [`${policy.metadata.name}: an ingress rule without from or ports`] : [];
    }),
  'the server uses TLS and auth, with the token from a Secret, and its probes pass the Host allowlist': (objects) =>
    deployments(objects).flatMap((d) => {
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      const config = objects.find(
        (o) =>
          o.kind === 'ConfigMap' &&
          pod.volumes.some((v: { configMap?: { name: string } }) => v.configMap?.name === o.metadata.name),
      );
      const text = String(config?.data?.['prober.config.ts'] ?? '');
      const token = (c.env ?? []).find((e: { name: string }) => e.name === 'PROBER_SERVER_TOKEN');
      const probes = [c.livenessProbe?.httpGet, c.readinessProbe?.httpGet];
      return [
        ...(/tls: \{ certFile: '[^']+', keyFile: '[^']+' \}/.test(text) ? [] : [`${d.metadata.name}: no server.tls`]),
        ...(/auth: \{ bearerToken: '\$\{env:PROBER_SERVER_TOKEN\}' \}/.test(text)
          ? []
          : [`${d.metadata.name}: no server.auth`]),
        ...(token?.valueFrom?.secretKeyRef !== undefined
          ? []
          : [`${d.metadata.name}: the server token not from a Secret`]),
        ...(pod.volumes.some((v: { secret?: unknown; name: string }) => v.name === 'tls' && v.secret !== undefined)
          ? []
          : [`${d.metadata.name}: no TLS Secret volume`]),
        ...probes.flatMap((p) =>
          p?.scheme === 'HTTPS' && p?.httpHeaders?.some((h: { name: string; value: string }) => h.name === 'Host')
            ? []
            : [`${d.metadata.name}: a probe without HTTPS or a Host header`],
        ),
      ];
    }),
};

describe('deploy/kubernetes policy (rules over the rendered YAML)', () => {
  const targets = ['base', 'overlays/eu-west-1', 'overlays/us-east-1', 'fleet'];
  const rendered = new Map(targets.map((t) => [t, render(t)]));
  it.each(targets.flatMap((t) => Object.keys(RULES).map((r) => [t, r] as const)))('%s: %s', (target, rule) => {
    expect(RULES[rule]!(rendered.get(target)!)).toEqual([]);
  });

  it('the rules are real: a weakened Deployment is caught by each', () => {
    const weak = structuredClone(rendered.get('base')!).filter(
      (o) => !['PodDisruptionBudget', 'NetworkPolicy'].includes(o.kind),
    );
    const d = deployments(weak)[0]!;
    d.spec.template.spec.securityContext = {};
    d.spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystem: true };
    d.spec.template.spec.topologySpreadConstraints = [];
    d.spec.template.spec.containers[0].livenessProbe.httpGet = { path: '/livez', port: 'http' };
    for (const [name, rule] of Object.entries(RULES)) expect(rule(weak), name).not.toEqual([]);
  });
});
