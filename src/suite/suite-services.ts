import type { SuiteAnnotation } from '../config/suite-events.js';
import type { SeenRequest } from './classify-suite-error.js';

/** Which service a suite step belongs to: an annotation, else the target a request of the step went to. Pure. */

/** `{ type: 'service', description: 'auth' }` names the test's service; `'web.login=auth'` one step's. */
export function serviceAnnotation(
  annotations: readonly SuiteAnnotation[],
  step: string | undefined,
): string | undefined {
  for (const a of annotations) {
    if (a.type !== 'service' || a.description === undefined) continue;
    const eq = a.description.lastIndexOf('=');
    if (step === undefined && eq === -1) return a.description.trim();
    if (step !== undefined && eq !== -1 && a.description.slice(0, eq).trim() === step)
      return a.description.slice(eq + 1).trim();
  }
  return undefined;
}

/** The target whose origin (and longest path prefix) the URL falls under. */
export function targetOf(url: string, targets: Readonly<Record<string, string>>): string | undefined {
  let best: [string, number] | undefined;
  for (const [name, base] of Object.entries(targets)) {
    try {
      const b = new URL(base);
      const u = new URL(url);
      const wsToHttp = (p: string) => p.replace(/^ws/, 'http');
      if (wsToHttp(u.protocol) !== wsToHttp(b.protocol) || u.host !== b.host) continue;
      const prefix = b.pathname.replace(/\/$/, '');
      if (!u.pathname.startsWith(prefix)) continue;
      if (best === undefined || prefix.length > best[1]) best = [name, prefix.length];
    } catch {
      // not a URL
    }
  }
  return best?.[0];
}

export function firstTarget(
  requests: readonly SeenRequest[],
  targets: Readonly<Record<string, string>>,
): string | undefined {
  for (const r of requests) {
    const t = targetOf(r.url, targets);
    if (t !== undefined) return t;
  }
  return undefined;
}
