import { readFile } from 'node:fs/promises';
import { readZip } from '../steps/browser-trace-scrub.js';
import type { SeenRequest } from './classify-suite-error.js';

interface HarSnapshot {
  startedDateTime?: string;
  _resourceType?: string;
  request?: { method?: string; url?: string };
  response?: { status?: number; content?: { mimeType?: string } };
}

/**
 * The page's own HTTP exchanges, from the `.network` files of a Playwright trace (one HAR entry per line): what
 * the app answered, which the test's error message alone does not say (a 500 behind "element not found").
 * Best effort: an unreadable trace gives no requests.
 */
export async function traceRequests(path: string): Promise<SeenRequest[]> {
  try {
    const entries = readZip(await readFile(path));
    const seen: SeenRequest[] = [];
    for (const e of entries) {
      if (!e.name.endsWith('.network')) continue;
      for (const line of e.data.toString('utf8').split('\n')) {
        const r = parseLine(line);
        if (r !== undefined) seen.push(r);
      }
    }
    return seen.sort((a, b) => a.startedAt - b.startedAt);
  } catch {
    return [];
  }
}

function parseLine(line: string): SeenRequest | undefined {
  if (!line.includes('resource-snapshot')) return undefined;
  try {
    const { snapshot } = JSON.parse(line) as { snapshot?: HarSnapshot };
    const url = snapshot?.request?.url;
    const status = snapshot?.response?.status;
    const startedAt = Date.parse(snapshot?.startedDateTime ?? '');
    if (url === undefined || typeof status !== 'number' || status <= 0 || Number.isNaN(startedAt)) return undefined;
    const html = snapshot?.response?.content?.mimeType?.includes('text/html') === true;
    return {
      url,
      method: snapshot?.request?.method ?? 'GET',
      status,
      startedAt,
      resourceType: snapshot?._resourceType ?? (html ? 'document' : undefined),
    };
  } catch {
    return undefined;
  }
}
